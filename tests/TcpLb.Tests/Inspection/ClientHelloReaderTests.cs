using System.Buffers;
using System.Text;
using TcpLb.Inspection;
using TcpLb.Tests.Inspection.Support;
using Xunit;
using static TcpLb.Tests.Inspection.Support.InspectionAssert;

namespace TcpLb.Tests.Inspection;

/// <summary>
/// The ClientHello reader, one behaviour per test, each vector inspected whole, split at every byte and one
/// byte per segment (<see cref="InspectionAssert"/>). RFC sections: 8446 (TLS 1.3, records 5.1, hello 4.1.2),
/// 6066 3 (server_name), 7301 3.1 (ALPN), 8701 (GREASE), 5246 E.2 (SSLv2-compatible hello).
/// </summary>
public sealed class ClientHelloReaderTests
{
    [Fact]
    public void Reads_SNI_ALPN_and_version_from_a_hello_captured_from_openssl_s_client()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.OpenSsl);

        Assert.Equal(DetectedProtocol.Tls, facts.Protocol);
        Assert.Equal("www.example.com", facts.ServerName);
        Assert.Equal("h2,http/1.1", facts.Alpn);
        Assert.Equal(0x0304, facts.Version);
        Assert.False(facts.EncryptedClientHello);
    }

    [Fact]
    public void Reads_SNI_and_ALPN_in_the_clients_order_from_a_hello_captured_from_SslStream()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.SslStream);

        Assert.Equal("ws.example.com", facts.ServerName);
        Assert.Equal("http/1.1,h2", facts.Alpn);
        Assert.Equal(0x0304, facts.Version);
    }

    [Fact]
    public void Reads_a_minimal_hello_written_by_hand()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.Minimal);

        Assert.Equal("example.com", facts.ServerName);
        Assert.Equal("h2,http/1.1", facts.Alpn);
        Assert.Equal(0x0304, facts.Version);
    }

    [Fact]
    public void Rfc5246_a_hello_without_extensions_is_TLS_without_SNI_and_reports_its_legacy_version()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.Tls10WithoutExtensions);

        Assert.Null(facts.ServerName);
        Assert.Equal(string.Empty, facts.Alpn);
        Assert.Equal(0x0301, facts.Version);
    }

    [Fact]
    public void Rfc8701_GREASE_suites_extensions_ALPN_names_and_versions_are_ignored()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.Grease);

        Assert.Equal("example.com", facts.ServerName);
        Assert.Equal("h2", facts.Alpn); // the GREASE name before it is not the client's first choice
        Assert.Equal(0x0304, facts.Version); // not 0x3A3A
    }

    [Fact]
    public void ECH_the_outer_hello_reports_its_public_name()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.EncryptedClientHelloOuter);

        Assert.Equal("public.example.net", facts.ServerName);
        Assert.True(facts.EncryptedClientHello);
    }

    [Fact]
    public void Rfc5246_E2_an_SSLv2_compatible_hello_is_TLS_without_SNI()
    {
        InspectedFacts facts = Found(Hello, ClientHelloVectors.SslV2Compatible);

        Assert.True(facts.SslV2Compatible);
        Assert.Null(facts.ServerName);
        Assert.Equal(string.Empty, facts.Alpn);
        Assert.Equal(0x0301, facts.Version);
    }

    [Theory]
    [InlineData(5)] // cipher_spec_length 4: not a multiple of 3
    [InlineData(9)] // challenge_length 15
    public void Rfc5246_E2_an_SSLv2_hello_whose_lengths_do_not_add_up_is_invalid(int field)
    {
        byte[] bytes = (byte[])ClientHelloVectors.SslV2Compatible.Clone();
        bytes[field + 1] = field == 5 ? (byte)4 : (byte)15;
        Invalid(Hello, bytes, InspectionError.SslV2MalformedHello);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(200)]
    public void Rfc8446_5_1_a_hello_split_across_records_of_any_size_reads_the_same(int fragment)
    {
        byte[] message = ClientHelloVectors.OpenSsl[5..];
        byte[] records = ClientHelloBuilder.Records(message, [fragment]);

        InspectedFacts facts = Found(Hello, records);

        Assert.Equal("www.example.com", facts.ServerName);
        Assert.Equal("h2,http/1.1", facts.Alpn);
        Assert.Equal(0x0304, facts.Version);
    }

    [Fact]
    public void Rfc8446_5_1_an_SNI_cut_by_a_record_header_is_still_one_name()
    {
        // The name "www.example.com" starts at message offset 148; a first record of 153 bytes cuts it after "www.e".
        byte[] records = ClientHelloBuilder.Records(ClientHelloVectors.OpenSsl[5..], [153, 40, 500]);
        InspectionResult result = ClientHelloReader.Read(new ReadOnlySequence<byte>(records), DefaultCap);

        InspectedBytes name = result.Hello.ServerName;
        Assert.False(name.TryGetContiguous(out _));
        byte[] copy = new byte[name.Length];
        Assert.True(name.TryCopyTo(copy));
        Assert.Equal("www.example.com", Encoding.ASCII.GetString(copy));
        Assert.Equal("example.com", name.Slice(4, 11).ToString());
        Assert.Equal("www.exa", name.Slice(0, 7).ToString());
    }

    [Fact]
    public void A_contiguous_value_is_a_slice_of_the_input_ready_for_a_TLV_without_a_copy()
    {
        var input = new ReadOnlySequence<byte>(ClientHelloVectors.Minimal);
        InspectionResult result = ClientHelloReader.Read(input, DefaultCap);

        Assert.True(result.Hello.ServerName.TryGetContiguous(out ReadOnlySequence<byte> name));
        Assert.Equal(61, input.GetOffset(name.Start)); // 5 + 4 + 2 + 32 + 1 + 4 + 2 + 2 + 4 + 2 + 3
        Assert.Equal("example.com"u8.ToArray(), name.ToArray());
    }

    [Fact]
    public void Bytes_after_the_hello_are_not_looked_at()
    {
        byte[] withMore = [.. ClientHelloVectors.Minimal, 0x17, 0x03, 0x03, 0x00, 0x01, 0xFF, 0x00];

        Found(Hello, withMore, expectedLength: ClientHelloVectors.Minimal.Length);
    }

    [Fact]
    public void Every_strict_prefix_of_a_hello_waits_for_more()
    {
        byte[] hello = ClientHelloBuilder.Records(ClientHelloVectors.Minimal[5..], [30]);
        for (int length = 0; length < hello.Length; length++)
        {
            InspectionResult result = ClientHelloReader.Read(new ReadOnlySequence<byte>(hello, 0, length), DefaultCap);
            Assert.True(result.Status == InspectionStatus.NeedMore, $"{length} of {hello.Length} bytes: {result.Status} {result.Error}");
        }
    }

    [Theory]
    [InlineData(0x00)] // SSL 3.0
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x03)]
    public void Rfc8446_5_1_record_versions_3_0_to_3_3_are_TLS(byte minor)
    {
        Found(Hello, new ClientHelloBuilder().WithServerName("example.com").Build(recordMinor: minor));
    }

    [Fact]
    public void A_record_version_past_3_3_is_refused_as_soon_as_its_byte_arrives()
    {
        byte[] bytes = new ClientHelloBuilder().WithServerName("example.com").Build(recordMinor: 4);
        RefusedAt(Hello, bytes, 2, InspectionStatus.Invalid, InspectionError.TlsBadRecordVersion);
    }

    [Theory]
    [InlineData("17 03 03 00 05")] // application data
    [InlineData("16 02 00 00 05")] // handshake type, major version 2
    [InlineData("47 45 54 20 2F")] // "GET /"
    public void Bytes_that_do_not_start_a_handshake_record_are_not_TLS(string hex)
    {
        NotThisProtocol(Hello, Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)));
    }

    [Fact]
    public void Rfc8446_5_1_a_record_of_another_type_before_the_hello_ends_is_refused()
    {
        byte[] message = ClientHelloVectors.Minimal[5..];
        byte[] records = ClientHelloBuilder.Records(message, [40]);
        records[5 + 40] = 21; // the second record claims to be an alert

        RefusedAt(Hello, records, 5 + 40, InspectionStatus.Invalid, InspectionError.TlsNotHandshakeRecord);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16385)]
    public void Rfc8446_5_1_a_handshake_record_of_0_or_more_than_2_to_the_14_bytes_is_refused(int length)
    {
        byte[] bytes = [22, 3, 1, (byte)(length >> 8), (byte)length, 1, 0, 0, 60];
        Invalid(Hello, bytes, InspectionError.TlsBadRecordLength);
    }

    [Fact]
    public void A_first_handshake_message_other_than_client_hello_is_refused()
    {
        byte[] bytes = ClientHelloVectors.Minimal[..6];
        bytes[5] = 2; // server_hello

        RefusedAt(Hello, bytes, 5, InspectionStatus.Invalid, InspectionError.TlsNotClientHello);
    }

    [Fact]
    public void A_hello_longer_than_the_cap_is_refused_once_its_length_is_known_not_after_waiting()
    {
        byte[] hello = ClientHelloVectors.OpenSsl;

        // 339 bytes do not fit in 338: said after the 9 bytes that give the hello's length.
        Invalid(Hello, hello[..9], InspectionError.LargerThanCap, maxBytes: hello.Length - 1);
        NeedMore(Hello, hello[..8], maxBytes: hello.Length - 1);
        Found(Hello, hello, maxBytes: hello.Length);
    }

    [Fact]
    public void A_hello_in_small_records_whose_headers_push_it_past_the_cap_is_refused_at_the_cap()
    {
        byte[] records = ClientHelloBuilder.Records(ClientHelloVectors.Minimal[5..], [10]); // 10 records: 92 + 50 bytes
        Assert.Equal(142, records.Length);

        NeedMore(Hello, records[..119], maxBytes: 120);
        Invalid(Hello, records[..120], InspectionError.LargerThanCap, maxBytes: 120);
        Invalid(Hello, records, InspectionError.LargerThanCap, maxBytes: 120);
        Found(Hello, records, maxBytes: 142);
    }

    [Fact]
    public void Rfc8446_4_1_2_a_session_id_longer_than_32_bytes_is_malformed()
    {
        Invalid(Hello, new ClientHelloBuilder { SessionId = new byte[33] }.Build(), InspectionError.TlsMalformedHello);
    }

    [Fact]
    public void Rfc8446_4_1_2_an_odd_or_empty_cipher_suite_list_is_malformed()
    {
        byte[] hello = new ClientHelloBuilder().WithServerName("example.com").Build();
        byte[] odd = (byte[])hello.Clone();
        odd[5 + 4 + 2 + 32 + 1 + 1] = 3; // cipher_suites length 3

        Invalid(Hello, odd, InspectionError.TlsMalformedHello);
        Invalid(Hello, new ClientHelloBuilder { CipherSuites = [] }.Build(), InspectionError.TlsMalformedHello);
    }

    [Fact]
    public void Rfc8446_4_1_2_no_compression_method_is_malformed()
    {
        Invalid(Hello, new ClientHelloBuilder { CompressionMethods = [] }.WithServerName("example.com").Build(), InspectionError.TlsMalformedHello);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Rfc8446_4_1_2_an_extensions_length_that_does_not_end_with_the_hello_is_malformed(int delta)
    {
        byte[] bytes = (byte[])ClientHelloVectors.Minimal.Clone();
        bytes[51] = (byte)(0x2D + delta); // extensions length 45 +- 1

        Invalid(Hello, bytes, InspectionError.TlsMalformedHello);
    }

    [Fact]
    public void An_extension_that_runs_past_the_hello_is_malformed()
    {
        byte[] bytes = (byte[])ClientHelloVectors.Minimal.Clone();
        bytes[93] = 0x04; // supported_versions length 3 -> 4, one past the end

        Invalid(Hello, bytes, InspectionError.TlsMalformedHello);
    }

    [Fact]
    public void Rfc6066_3_a_trailing_dot_is_dropped_from_the_name()
    {
        Assert.Equal("example.com", Found(Hello, new ClientHelloBuilder().WithServerName("example.com.").Build()).ServerName);
    }

    [Fact]
    public void Rfc6066_3_an_unknown_name_type_is_skipped_and_the_host_name_still_read()
    {
        byte[] list = ClientHelloBuilder.Vector16([7, 0, 2, (byte)'x', (byte)'y', 0, 0, 3, (byte)'a', (byte)'.', (byte)'b']);
        InspectedFacts facts = Found(Hello, new ClientHelloBuilder().With(ClientHelloBuilder.ServerName, list).Build());

        Assert.Equal("a.b", facts.ServerName);
    }

    [Fact]
    public void Rfc6066_3_a_name_of_255_bytes_is_read_and_one_of_256_refused()
    {
        string label = new('a', 63);
        string name255 = $"{label}.{label}.{label}.{new string('b', 63)}";
        Assert.Equal(255, name255.Length);

        Assert.Equal(name255, Found(Hello, new ClientHelloBuilder().WithServerName(name255).Build()).ServerName);
        Invalid(Hello, new ClientHelloBuilder().WithServerName(name255 + "c").Build(), InspectionError.TlsBadServerName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("exa mple.com")]
    [InlineData("example.com/")]
    [InlineData("exa\0mple.com")]
    [InlineData(".example.com")]
    [InlineData("a..b")]
    [InlineData("caf\u00e9.example")]
    public void Rfc6066_3_a_host_name_that_is_not_a_DNS_name_is_refused(string name)
    {
        byte[] bytes = new ClientHelloBuilder().With(ClientHelloBuilder.ServerName, ClientHelloBuilder.ServerNameData(Encoding.Latin1.GetBytes(name))).Build();
        Invalid(Hello, bytes, InspectionError.TlsBadServerName);
    }

    [Fact]
    public void Rfc6066_3_two_host_names_are_refused()
    {
        byte[] list = ClientHelloBuilder.Vector16([0, 0, 1, (byte)'a', 0, 0, 1, (byte)'b']);
        Invalid(Hello, new ClientHelloBuilder().With(ClientHelloBuilder.ServerName, list).Build(), InspectionError.TlsBadServerName);
    }

    [Theory]
    [InlineData("")] // no list at all
    [InlineData("0000")] // an empty list
    [InlineData("0005 00 0003 61 2E 62")] // list length 5, entry of 6
    [InlineData("0006 00 0003 61 2E 62 00")] // a stray byte after the entry
    public void Rfc6066_3_a_malformed_server_name_list_is_refused(string hex)
    {
        byte[] data = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        Invalid(Hello, new ClientHelloBuilder().With(ClientHelloBuilder.ServerName, data).Build(), InspectionError.TlsBadServerName);
    }

    [Theory]
    [InlineData(ClientHelloBuilder.ServerName)]
    [InlineData(ClientHelloBuilder.Alpn)]
    [InlineData(ClientHelloBuilder.SupportedVersions)]
    [InlineData(ClientHelloBuilder.EncryptedClientHello)]
    public void Rfc8446_4_2_an_extension_read_here_that_appears_twice_is_refused(ushort type)
    {
        byte[] data = type switch
        {
            ClientHelloBuilder.ServerName => ClientHelloBuilder.ServerNameData("a.b"u8.ToArray()),
            ClientHelloBuilder.Alpn => ClientHelloBuilder.AlpnData("h2"u8.ToArray()),
            ClientHelloBuilder.SupportedVersions => [2, 3, 4],
            _ => [0, 0, 1, 0, 1, 1, 0, 0, 0, 0],
        };

        Invalid(Hello, new ClientHelloBuilder().With(type, data).With(type, data).Build(), InspectionError.TlsDuplicateExtension);
    }

    [Theory]
    [InlineData("")] // no list
    [InlineData("0000")] // an empty list
    [InlineData("0003 02 68 32 00")] // list length 3, holds 4
    [InlineData("0004 02 68 32 00")] // an empty protocol name
    [InlineData("0003 03 68 32")] // a name running past the list
    public void Rfc7301_3_1_a_malformed_ALPN_list_is_refused(string hex)
    {
        byte[] data = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        Invalid(Hello, new ClientHelloBuilder().With(ClientHelloBuilder.Alpn, data).Build(), InspectionError.TlsBadAlpn);
    }

    [Fact]
    public void Rfc7301_3_1_ALPN_names_compare_byte_for_byte()
    {
        InspectionResult result = ClientHelloReader.Read(new ReadOnlySequence<byte>(ClientHelloVectors.OpenSsl), DefaultCap);

        Assert.True(result.Hello.Alpn.Contains("http/1.1"u8));
        Assert.True(result.Hello.Alpn.Contains("h2"u8));
        Assert.False(result.Hello.Alpn.Contains("H2"u8));
        Assert.False(result.Hello.Alpn.Contains("h2c"u8));
        Assert.Equal("h2", result.Hello.Alpn.First.ToString());
    }

    [Fact]
    public void Rfc8446_4_2_1_an_odd_supported_versions_list_is_malformed()
    {
        Invalid(Hello, new ClientHelloBuilder().With(ClientHelloBuilder.SupportedVersions, [3, 3, 4, 3]).Build(), InspectionError.TlsMalformedHello);
    }

    [Fact]
    public void The_reader_takes_nothing_and_waits_with_everything_examined()
    {
        var input = new ReadOnlySequence<byte>(ClientHelloVectors.Minimal, 0, 40);
        InspectionResult result = ClientHelloReader.Read(input, DefaultCap);

        Assert.Equal(InspectionStatus.NeedMore, result.Status);
        Assert.Equal(input.Start, result.Consumed);
        Assert.Equal(input.End, result.Examined);
    }
}
