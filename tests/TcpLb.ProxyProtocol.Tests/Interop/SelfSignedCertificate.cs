using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TcpLb.ProxyProtocol.Tests.Interop;

/// <summary>
/// A throw-away certificate and key in one PEM file, the form HAProxy's <c>crt</c> reads (nginx's <c>ssl_certificate</c> and
/// <c>ssl_certificate_key</c> read it too). Its own issuer, marked a CA, so OpenSSL's clients (<c>curl --cacert</c>,
/// <c>openssl s_client -CAfile</c>) take the same file as their trust anchor.
/// </summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    private SelfSignedCertificate(string pemPath, string thumbprint)
    {
        PemPath = pemPath;
        Thumbprint = thumbprint;
    }

    public string PemPath { get; }

    /// <summary>The SHA-1 hash a client pins to trust this certificate only.</summary>
    public string Thumbprint { get; }

    /// <summary>One for <paramref name="hostName"/> (its subject) and <paramref name="moreNames"/> (wildcards such as <c>*.example.com</c> too).</summary>
    public static SelfSignedCertificate Create(string hostName, params string[] moreNames)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (string name in (string[])[hostName, .. moreNames])
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        string path = Path.Combine(Path.GetTempPath(), $"tcplb-test-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        return new SelfSignedCertificate(path, certificate.GetCertHashString());
    }

    public void Dispose() => File.Delete(PemPath);
}
