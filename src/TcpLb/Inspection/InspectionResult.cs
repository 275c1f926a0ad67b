using System.Buffers;

namespace TcpLb.Inspection;

/// <summary>
/// The outcome of inspecting the first bytes. Hand <see cref="Consumed"/> and <see cref="Examined"/> to
/// <c>PipeReader.AdvanceTo</c>: inspection never consumes (the bytes go to the backend untouched), and on
/// NeedMore it examined everything, so the pipe waits for more before the next attempt.
/// </summary>
internal readonly struct InspectionResult
{
    private InspectionResult(InspectionStatus status, InspectionError error, DetectedProtocol protocol, ClientHello hello, RequestHead head, SequencePosition consumed, SequencePosition examined, long length)
    {
        Status = status;
        Error = error;
        Protocol = protocol;
        Hello = hello;
        Head = head;
        Consumed = consumed;
        Examined = examined;
        Length = length;
    }

    /// <summary>NeedMore, Found, NotThisProtocol or Invalid.</summary>
    public InspectionStatus Status { get; }

    /// <summary>Why, when the status is Invalid (and for some NotThisProtocol verdicts); else None.</summary>
    public InspectionError Error { get; }

    /// <summary>Tls or Http when a reader of that protocol gave the verdict; Neither or NeedMore from the dispatcher alone.</summary>
    public DetectedProtocol Protocol { get; }

    /// <summary>The ClientHello, when Found with <see cref="Protocol"/> Tls.</summary>
    public ClientHello Hello { get; }

    /// <summary>The request head, when Found with <see cref="Protocol"/> Http.</summary>
    public RequestHead Head { get; }

    /// <summary>Always the start of the input: inspection takes nothing.</summary>
    public SequencePosition Consumed { get; }

    /// <summary>The end of the input on NeedMore; the end of the hello or head when Found; else the start.</summary>
    public SequencePosition Examined { get; }

    /// <summary>How many bytes the hello (its records, headers included) or the head (up to its empty line) spans, when Found.</summary>
    public long Length { get; }

    /// <summary>True when the facts are there to route by.</summary>
    public bool IsFound => Status == InspectionStatus.Found;

    internal static InspectionResult NeedMore(in ReadOnlySequence<byte> input, DetectedProtocol protocol) =>
        new(InspectionStatus.NeedMore, InspectionError.None, protocol, default, default, input.Start, input.End, 0);

    internal static InspectionResult NotThisProtocol(in ReadOnlySequence<byte> input, DetectedProtocol protocol, InspectionError why = InspectionError.None) =>
        new(InspectionStatus.NotThisProtocol, why, protocol, default, default, input.Start, input.Start, 0);

    internal static InspectionResult Invalid(in ReadOnlySequence<byte> input, DetectedProtocol protocol, InspectionError error) =>
        new(InspectionStatus.Invalid, error, protocol, default, default, input.Start, input.Start, 0);

    internal static InspectionResult FoundHello(in ReadOnlySequence<byte> input, ClientHello hello, long length) =>
        new(InspectionStatus.Found, InspectionError.None, DetectedProtocol.Tls, hello, default, input.Start, input.GetPosition(length), length);

    internal static InspectionResult FoundHead(in ReadOnlySequence<byte> input, RequestHead head, long length) =>
        new(InspectionStatus.Found, InspectionError.None, DetectedProtocol.Http, default, head, input.Start, input.GetPosition(length), length);

    /// <summary>
    /// The verdict when the bytes so far are a valid prefix: wait for more, unless the cap is already
    /// reached, in which case the hello or head will never fit.
    /// </summary>
    internal static InspectionResult Incomplete(in ReadOnlySequence<byte> input, DetectedProtocol protocol, int maxBytes) =>
        input.Length >= maxBytes ? Invalid(input, protocol, InspectionError.LargerThanCap) : NeedMore(input, protocol);
}
