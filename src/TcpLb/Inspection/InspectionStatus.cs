namespace TcpLb.Inspection;

/// <summary>
/// What the first bytes say so far. Inspection never takes bytes: whatever the verdict, every byte read is
/// forwarded untouched, and a verdict other than <see cref="Found"/> sends the connection to the default route.
/// </summary>
internal enum InspectionStatus
{
    /// <summary>The bytes so far begin a hello or a request head within the cap: read more and inspect again from the start.</summary>
    NeedMore,

    /// <summary>A whole ClientHello or request head was read; its facts are in the result.</summary>
    Found,

    /// <summary>The bytes are not the protocol the reader reads (neither TLS nor HTTP/1.x for the dispatcher).</summary>
    NotThisProtocol,

    /// <summary>The bytes announce the protocol but break it, or it does not fit in the cap; <see cref="InspectionResult.Error"/> says which.</summary>
    Invalid,
}
