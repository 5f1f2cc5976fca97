using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fairway.Chaos.Netns;

namespace Fairway.Chaos.Tests.Netns;

/// <summary>Listeners and connection attempts across namespaces, with socat (installed by scripts/test) inside them.</summary>
internal static class NetnsProbe
{
    public const int Port = 7000;

    // Long enough for a loaded two-core machine to complete a local handshake, short enough that a cut link (whose
    // SYNs vanish) fails the attempt quickly.
    private const int ConnectTimeoutSeconds = 2;

    public static void RequireNamespaces()
    {
        if (NetnsNetwork.Unavailable() is { } reason)
        {
            Assert.Fail($"these tests need network namespaces and iptables (root; scripts/test installs iptables): {reason}");
        }

        if (!HostCommand.TryRun("socat", "-V"))
        {
            Assert.Fail("these tests need socat on PATH (scripts/test installs it)");
        }
    }

    /// <summary>Starts a listener in namespace <paramref name="i"/> that answers every connection with "ok", and waits until the root namespace reaches it.</summary>
    public static Process Listen(NetnsNetwork network, int i)
    {
        var start = new ProcessStartInfo("socat") { UseShellExecute = false, RedirectStandardError = true };
        // -d -d makes socat say "listening on" once its socket is bound: the sign this waits for.
        foreach (var arg in new[] { "-d", "-d", $"TCP-LISTEN:{Port},bind={network.Address(i)},reuseaddr,fork", "SYSTEM:echo ok" })
        {
            start.ArgumentList.Add(arg);
        }

        var listener = Process.Start(network.Wrap(start, i))!;
        var said = new StringBuilder();
        var listening = Task.Run(() =>
        {
            while (listener.StandardError.ReadLine() is { } line)
            {
                said.AppendLine(line);
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        });
        if (!listening.Wait(TimeSpan.FromSeconds(20)) || !listening.Result || !FromRoot(network.Address(i), Port))
        {
            Stop(listener);
            Assert.Fail($"the listener in {network.Name(i)} did not come up: {said}");
        }

        // The rest of its log is drained so socat never blocks on a full pipe.
        _ = Task.Run(() => listener.StandardError.ReadToEnd());
        return listener;
    }

    public static void Stop(Process listener)
    {
        if (!listener.HasExited)
        {
            listener.Kill(entireProcessTree: true);
        }

        listener.WaitForExit();
        listener.Dispose();
    }

    /// <summary>Whether a connection from namespace <paramref name="from"/> to address:port gets the listener's "ok".</summary>
    public static bool FromNamespace(NetnsNetwork network, int from, IPAddress address, int port)
    {
        var start = new ProcessStartInfo("socat")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[] { $"-T{ConnectTimeoutSeconds}", "-", $"TCP:{address}:{port},connect-timeout={ConnectTimeoutSeconds}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var client = Process.Start(network.Wrap(start, from))!;
        client.StandardInput.Close();
        var output = client.StandardOutput.ReadToEndAsync();
        _ = client.StandardError.ReadToEndAsync();
        if (!client.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            client.Kill();
            Assert.Fail($"socat from {network.Name(from)} to {address}:{port} hung past its own timeout");
        }

        return client.ExitCode == 0 && output.Result.Trim() == "ok";
    }

    public static bool FromRoot(IPAddress address, int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(ConnectTimeoutSeconds));
        try
        {
            client.ConnectAsync(address, port, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
