using System.Runtime.CompilerServices;

// NSubstitute (Castle DynamicProxy) builds its substitutes of the internal seams (IHealthProbe) in this
// assembly. TEMPORARY HOME: this belongs in TcpLb.csproj (<InternalsVisibleTo Include="DynamicProxyGenAssembly2" />);
// it lives here only because the health work may add files under Health/ alone.
[assembly: InternalsVisibleTo("DynamicProxyGenAssembly2")]
