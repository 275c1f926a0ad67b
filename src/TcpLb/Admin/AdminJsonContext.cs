using System.Text.Json.Serialization;

namespace TcpLb.Admin;

/// <summary>
/// The <c>/status</c> JSON, generated at compile time: no reflection, so it works in the Native AOT build.
/// The server writes it and <c>tcplb status</c> reads it with the same contract.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
