using TcpLb.ProxyProtocol.Tests.Support;

namespace TcpLb.Tests.Inspection.Support;

/// <summary>
/// ClientHellos as annotated hex, one field per line: two captured from real clients on loopback, the rest
/// written by hand to show one feature each. Record and handshake lengths are spelled out, so a reader that
/// miscounts cannot agree with them by accident.
/// </summary>
internal static class ClientHelloVectors
{
    /// <summary>The 32-byte random of the hand-written hellos: its bytes mean nothing, so one line stands for it.</summary>
    private const string Random = "\n00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F  # random\n";

    /// <summary>
    /// 339 bytes from <c>openssl s_client -connect 127.0.0.1:PORT -servername www.example.com -alpn h2,http/1.1</c>
    /// (OpenSSL 3.0.22), captured by a listener that recorded what it received. TLS 1.3 offered through
    /// supported_versions; SNI and ALPN early in the extensions.
    /// </summary>
    public static readonly byte[] OpenSsl = Hex.Parse("""
        16 03 01 01 4E                                   # record: handshake (22), version 3.1, length 334
        01 00 01 4A                                      # handshake: client_hello (1), length 330
        03 03                                            # legacy_version 3.3 (TLS 1.2)
        2E E7 EC 13 BF 19 D3 48 71 A3 E9 D1 55 53 9A BE  # random
        DE 15 49 E7 9A 04 25 E3 F0 EF 71 DC ED 48 B6 39
        20                                               # legacy_session_id length 32
        70 69 14 B9 37 37 A2 C4 C4 BA A4 07 1A 00 2D 44  # legacy_session_id
        CE 6A 8E 6D D8 C8 4E A0 12 55 22 4F 16 E3 4C 0B
        00 3E                                            # cipher_suites length 62
        13 02 13 03 13 01 C0 2C C0 30 00 9F CC A9 CC A8  # cipher_suites
        CC AA C0 2B C0 2F 00 9E C0 24 C0 28 00 6B C0 23
        C0 27 00 67 C0 0A C0 14 00 39 C0 09 C0 13 00 33
        00 9D 00 9C 00 3D 00 3C 00 35 00 2F 00 FF
        01 00                                            # compression_methods: 1, null
        00 C3                                            # extensions length 195
        00 00 00 14                                      # server_name, length 20
        00 12                                            # server_name_list length 18
        00 00 0F                                         # host_name (0), length 15
        77 77 77 2E 65 78 61 6D 70 6C 65 2E 63 6F 6D     # "www.example.com"
        00 0B 00 04 03 00 01 02                          # ec_point_formats, length 4
        00 0A 00 16 00 14 00 1D 00 17 00 1E 00 19 00 18  # supported_groups, length 22
        01 00 01 01 01 02 01 03 01 04
        00 23 00 00                                      # session_ticket, length 0
        00 10 00 0E                                      # application_layer_protocol_negotiation, length 14
        00 0C                                            # protocol_name_list length 12
        02 68 32                                         # 2, "h2"
        08 68 74 74 70 2F 31 2E 31                       # 8, "http/1.1"
        00 16 00 00                                      # encrypt_then_mac, length 0
        00 17 00 00                                      # extended_master_secret, length 0
        00 0D 00 2A 00 28 04 03 05 03 06 03 08 07 08 08  # signature_algorithms, length 42
        08 09 08 0A 08 0B 08 04 08 05 08 06 04 01 05 01
        06 01 03 03 03 01 03 02 04 02 05 02 06 02
        00 2B 00 09                                      # supported_versions, length 9
        08 03 04 03 03 03 02 03 01                       # versions: 0x0304, 0x0303, 0x0302, 0x0301
        00 2D 00 02 01 01                                # psk_key_exchange_modes, length 2
        00 33 00 26 00 24 00 1D 00 20 E5 D9 41 C8 D4 CA  # key_share, length 38
        2B CE A0 68 42 E5 09 EB 45 0A 18 0D 6C 57 E0 75
        1F 16 74 A5 32 DA AA 48 7E 3D
        """);

    /// <summary>
    /// 309 bytes from .NET 10's <c>SslStream.AuthenticateAsClientAsync</c> with TargetHost <c>ws.example.com</c> and
    /// ApplicationProtocols http/1.1, h2 (in that order), on Linux (OpenSSL underneath), captured the same way.
    /// </summary>
    public static readonly byte[] SslStream = Hex.Parse("""
        16 03 01 01 30                                   # record: handshake (22), version 3.1, length 304
        01 00 01 2C                                      # handshake: client_hello (1), length 300
        03 03                                            # legacy_version 3.3 (TLS 1.2)
        59 7C 5D 82 80 09 B5 58 10 8C 44 29 87 29 0E 86  # random
        00 3E D6 B6 BA AE C2 51 45 07 B6 FE 5F D9 07 4C
        20                                               # legacy_session_id length 32
        05 4A 91 E0 85 0F 60 A2 10 37 F9 18 9C 36 0A FC  # legacy_session_id
        4E 35 7D 46 49 5F EB 7A EF DE 65 E4 97 C4 A0 0B
        00 18                                            # cipher_suites length 24
        13 02 13 03 13 01 C0 2C C0 2B C0 30 C0 2F C0 24  # cipher_suites
        C0 23 C0 28 C0 27 00 FF
        01 00                                            # compression_methods: 1, null
        00 CB                                            # extensions length 203
        00 00 00 13                                      # server_name, length 19
        00 11                                            # server_name_list length 17
        00 00 0E                                         # host_name (0), length 14
        77 73 2E 65 78 61 6D 70 6C 65 2E 63 6F 6D        # "ws.example.com"
        00 0B 00 04 03 00 01 02                          # ec_point_formats, length 4
        00 0A 00 16 00 14 00 1D 00 17 00 1E 00 19 00 18  # supported_groups, length 22
        01 00 01 01 01 02 01 03 01 04
        00 23 00 00                                      # session_ticket, length 0
        00 05 00 05 01 00 00 00 00                       # status_request, length 5
        00 10 00 0E                                      # application_layer_protocol_negotiation, length 14
        00 0C                                            # protocol_name_list length 12
        08 68 74 74 70 2F 31 2E 31                       # 8, "http/1.1"
        02 68 32                                         # 2, "h2"
        00 16 00 00                                      # encrypt_then_mac, length 0
        00 17 00 00                                      # extended_master_secret, length 0
        00 0D 00 2A 00 28 04 03 05 03 06 03 08 07 08 08  # signature_algorithms, length 42
        08 09 08 0A 08 0B 08 04 08 05 08 06 04 01 05 01
        06 01 03 03 03 01 03 02 04 02 05 02 06 02
        00 2B 00 09                                      # supported_versions, length 9
        08 03 04 03 03 03 02 03 01                       # versions: 0x0304, 0x0303, 0x0302, 0x0301
        00 2D 00 02 01 01                                # psk_key_exchange_modes, length 2
        00 33 00 26 00 24 00 1D 00 20 2D E3 AE E2 E6 01  # key_share, length 38
        29 7E A8 86 BA 0D 0E 4D DE D5 BE 63 6F 5D 79 E2
        EF AB 12 BA 98 05 5F CF AF 28
        """);

    /// <summary>97 bytes: the smallest modern hello worth routing: SNI, ALPN, TLS 1.3 in supported_versions.</summary>
    public static readonly byte[] Minimal = Hex.Parse("""
        16 03 01 00 5C        # record: handshake (22), version 3.1, length 92
        01 00 00 58           # handshake: client_hello (1), length 88
        03 03                 # legacy_version 3.3
        """ + Random + """
        00                    # legacy_session_id length 0
        00 02 13 01           # cipher_suites length 2: TLS_AES_128_GCM_SHA256
        01 00                 # compression_methods: 1, null
        00 2D                 # extensions length 45
        00 00 00 10           # server_name, length 16
        00 0E                 # server_name_list length 14
        00 00 0B              # host_name (0), length 11
        65 78 61 6D 70 6C 65 2E 63 6F 6D  # "example.com"
        00 10 00 0E           # application_layer_protocol_negotiation, length 14
        00 0C                 # protocol_name_list length 12
        02 68 32              # 2, "h2"
        08 68 74 74 70 2F 31 2E 31  # 8, "http/1.1"
        00 2B 00 03           # supported_versions, length 3
        02 03 04              # versions: 0x0304
        """);

    /// <summary>50 bytes: a TLS 1.0 hello with no extensions at all (RFC 2246 allows none): TLS, no SNI.</summary>
    public static readonly byte[] Tls10WithoutExtensions = Hex.Parse("""
        16 03 01 00 2D        # record: handshake (22), version 3.1, length 45
        01 00 00 29           # handshake: client_hello (1), length 41
        03 01                 # legacy_version 3.1 (TLS 1.0)
        """ + Random + """
        00                    # legacy_session_id length 0
        00 02 00 2F           # cipher_suites length 2: TLS_RSA_WITH_AES_128_CBC_SHA
        01 00                 # compression_methods: 1, null
        """);

    /// <summary>
    /// 106 bytes: GREASE (RFC 8701) as Chrome sends it: a GREASE cipher suite, a GREASE extension first and
    /// last, a GREASE ALPN name before h2, a GREASE version before 1.3. None of it may count.
    /// </summary>
    public static readonly byte[] Grease = Hex.Parse("""
        16 03 01 00 65        # record: handshake (22), version 3.1, length 101
        01 00 00 61           # handshake: client_hello (1), length 97
        03 03                 # legacy_version 3.3
        """ + Random + """
        00                    # legacy_session_id length 0
        00 04 0A 0A 13 01     # cipher_suites length 4: GREASE 0x0A0A, TLS_AES_128_GCM_SHA256
        01 00                 # compression_methods: 1, null
        00 34                 # extensions length 52
        1A 1A 00 00           # GREASE extension 0x1A1A, length 0
        00 00 00 10           # server_name, length 16
        00 0E                 # server_name_list length 14
        00 00 0B              # host_name (0), length 11
        65 78 61 6D 70 6C 65 2E 63 6F 6D  # "example.com"
        00 10 00 08           # application_layer_protocol_negotiation, length 8
        00 06                 # protocol_name_list length 6
        02 2A 2A              # 2, GREASE name 0x2A2A
        02 68 32              # 2, "h2"
        00 2B 00 07           # supported_versions, length 7
        06 3A 3A 03 04 03 03  # versions: GREASE 0x3A3A, 0x0304, 0x0303
        4A 4A 00 01 00        # GREASE extension 0x4A4A, length 1
        """);

    /// <summary>
    /// 112 bytes: an Encrypted Client Hello's outer hello: the SNI is the public name of the ECH
    /// configuration; the name the client wants is inside the encrypted payload, out of TcpLb's reach.
    /// </summary>
    public static readonly byte[] EncryptedClientHelloOuter = Hex.Parse("""
        16 03 01 00 6B        # record: handshake (22), version 3.1, length 107
        01 00 00 67           # handshake: client_hello (1), length 103
        03 03                 # legacy_version 3.3
        """ + Random + """
        00                    # legacy_session_id length 0
        00 02 13 01           # cipher_suites length 2
        01 00                 # compression_methods: 1, null
        00 3C                 # extensions length 60
        00 00 00 17           # server_name, length 23
        00 15                 # server_name_list length 21
        00 00 12              # host_name (0), length 18
        70 75 62 6C 69 63 2E 65 78 61 6D 70 6C 65 2E 6E 65 74  # "public.example.net"
        FE 0D 00 16           # encrypted_client_hello, length 22
        00                    # ECHClientHelloType outer
        00 01 00 01           # cipher suite: HKDF-SHA256, AES-128-GCM
        2A                    # config_id
        00 04 11 11 11 11     # enc, 4 bytes
        00 08 22 22 22 22 22 22 22 22  # payload, 8 bytes
        00 2B 00 03           # supported_versions, length 3
        02 03 04              # versions: 0x0304
        """);

    /// <summary>30 bytes: an SSL 2.0-compatible hello offering TLS 1.0 (RFC 5246 E.2): no extensions, so no SNI.</summary>
    public static readonly byte[] SslV2Compatible = Hex.Parse("""
        80 1C                 # SSLv2 record header: 2-byte form, length 28
        01                    # msg_type CLIENT-HELLO
        03 01                 # version 3.1 (TLS 1.0)
        00 03                 # cipher_spec_length 3
        00 00                 # session_id_length 0
        00 10                 # challenge_length 16
        00 00 2F              # cipher spec TLS_RSA_WITH_AES_128_CBC_SHA
        F0 F1 F2 F3 F4 F5 F6 F7 F8 F9 FA FB FC FD FE FF  # challenge
        """);
}
