using System.Buffers.Binary;
using System.Text;

namespace TcpLb.Tests.Inspection.Support;

/// <summary>
/// Builds ClientHellos field by field, for the variations a hand-written vector would only repeat (one length
/// wrong, a record split elsewhere) and for generated ones. The annotated vectors in
/// <see cref="ClientHelloVectors"/> are the reference; this writes the same layout (RFC 8446 4.1.2).
/// </summary>
internal sealed class ClientHelloBuilder
{
    public const ushort ServerName = 0x0000;
    public const ushort Alpn = 0x0010;
    public const ushort SupportedVersions = 0x002B;
    public const ushort EncryptedClientHello = 0xFE0D;

    public ushort LegacyVersion { get; set; } = 0x0303;

    public byte[] SessionId { get; set; } = [];

    public ushort[] CipherSuites { get; set; } = [0x1301];

    public byte[] CompressionMethods { get; set; } = [0];

    /// <summary>Null: no extensions block at all (SSL 3.0, TLS 1.0 style).</summary>
    public List<(ushort Type, byte[] Data)>? Extensions { get; set; } = [];

    public ClientHelloBuilder With(ushort type, byte[] data)
    {
        (Extensions ??= []).Add((type, data));
        return this;
    }

    public ClientHelloBuilder WithServerName(string name) => With(ServerName, ServerNameData(Encoding.ASCII.GetBytes(name)));

    public ClientHelloBuilder WithAlpn(params string[] names) => With(Alpn, AlpnData([.. names.Select(Encoding.ASCII.GetBytes)]));

    public ClientHelloBuilder WithSupportedVersions(params ushort[] versions) =>
        With(SupportedVersions, [(byte)(versions.Length * 2), .. versions.SelectMany(Big16)]);

    /// <summary>server_name data: a list of one host_name.</summary>
    public static byte[] ServerNameData(byte[] name) => Vector16([0, .. Big16((ushort)name.Length), .. name]);

    /// <summary>ALPN data: a protocol_name_list of the given names.</summary>
    public static byte[] AlpnData(params byte[][] names) => Vector16([.. names.SelectMany(name => (byte[])[(byte)name.Length, .. name])]);

    /// <summary>The handshake message: type client_hello, 3-byte length, body.</summary>
    public byte[] Message()
    {
        var body = new List<byte>();
        body.AddRange(Big16(LegacyVersion));
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        body.Add((byte)SessionId.Length);
        body.AddRange(SessionId);
        body.AddRange(Vector16([.. CipherSuites.SelectMany(Big16)]));
        body.Add((byte)CompressionMethods.Length);
        body.AddRange(CompressionMethods);
        if (Extensions is not null)
        {
            body.AddRange(Vector16([.. Extensions.SelectMany(e => (byte[])[.. Big16(e.Type), .. Vector16(e.Data)])]));
        }

        return [1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count, .. body];
    }

    /// <summary>The hello in records of at most <paramref name="fragment"/> bytes.</summary>
    public byte[] Build(int fragment = 1 << 14, byte recordMinor = 1) => Records(Message(), [fragment], recordMinor);

    /// <summary>
    /// <paramref name="message"/> in handshake records whose fragments take the given sizes in turn, the last
    /// size repeating until the message is used up.
    /// </summary>
    public static byte[] Records(byte[] message, int[] fragments, byte recordMinor = 1)
    {
        var records = new List<byte>();
        int offset = 0;
        for (int i = 0; offset < message.Length; i++)
        {
            int size = Math.Min(fragments[Math.Min(i, fragments.Length - 1)], message.Length - offset);
            records.AddRange([22, 3, recordMinor, .. Big16((ushort)size)]);
            records.AddRange(message.AsSpan(offset, size).ToArray());
            offset += size;
        }

        return [.. records];
    }

    public static byte[] Vector16(byte[] content) => [.. Big16((ushort)content.Length), .. content];

    public static byte[] Big16(ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
