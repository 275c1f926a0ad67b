using System.Net;

namespace TcpLb.Demo;

/// <summary>The demo page: who the router thinks you are, and a WebSocket echo to try in the browser.</summary>
internal static class DemoPage
{
    public static string Render(string sentence) => $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>TcpLb demo</title>
        <style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;line-height:1.5}code{background:#eee;padding:0 .3em}</style>
        </head>
        <body>
        <h1>TcpLb demo</h1>
        <p id="client"><strong>{{WebUtility.HtmlEncode(sentence)}}</strong></p>
        <p>TcpLb forwarded your connection's bytes untouched and put a PROXY v2 header in front of them;
        the router read your address from it, as nginx does with <code>listen ... proxy_protocol</code>.</p>
        <h2>WebSocket echo</h2>
        <p><input id="message" value="hello through TcpLb"> <button onclick="send()">send</button></p>
        <pre id="log"></pre>
        <script>
        const log = text => document.getElementById('log').textContent += text + '\n';
        const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
        ws.onopen = () => log('connected to /ws');
        ws.onmessage = event => log('echo: ' + event.data);
        ws.onclose = () => log('closed');
        function send() { ws.send(document.getElementById('message').value); }
        </script>
        </body>
        </html>
        """;
}
