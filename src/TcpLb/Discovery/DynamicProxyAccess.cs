using System.Runtime.CompilerServices;

// NSubstitute builds its substitutes in Castle's dynamic assembly; it needs to see the internal seams
// (IDnsResolver). Belongs in TcpLb.csproj as <InternalsVisibleTo Include="DynamicProxyGenAssembly2" />.
[assembly: InternalsVisibleTo("DynamicProxyGenAssembly2")]
