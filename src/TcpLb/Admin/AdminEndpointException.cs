namespace TcpLb.Admin;

/// <summary>The admin endpoint could not start (its address is taken or not ours); the message names the address.</summary>
internal sealed class AdminEndpointException(string message, Exception inner) : Exception(message, inner);
