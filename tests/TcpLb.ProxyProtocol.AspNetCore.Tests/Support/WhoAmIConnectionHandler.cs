using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>
/// A raw connection handler (<c>UseConnectionHandler</c>, no HTTP): writes <see cref="WhoAmI"/> and a blank line, then
/// echoes every byte it reads, so a test sees exactly which bytes the middleware passed on, and when.
/// </summary>
internal sealed class WhoAmIConnectionHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes(WhoAmI.Describe(connection) + "\n"));
        PipeReader input = connection.Transport.Input;
        while (true)
        {
            ReadResult read = await input.ReadAsync();
            foreach (ReadOnlyMemory<byte> segment in read.Buffer)
            {
                await connection.Transport.Output.WriteAsync(segment);
            }

            input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }
}
