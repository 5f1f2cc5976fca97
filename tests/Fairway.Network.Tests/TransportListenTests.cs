using System.Net;
using System.Net.Sockets;

namespace Fairway.Network.Tests;

public class TransportListenTests
{
    [Fact]
    public async Task Starting_on_a_port_another_socket_holds_throws_a_listen_error_naming_the_endpoint()
    {
        var net = new TestNet(2);
        using var holder = new TcpListener(IPAddress.Loopback, net.Ports[0]);
        holder.Start();

        await using var transport = new TcpPeerTransport(net.Options(0));
        var e = await Assert.ThrowsAsync<TransportListenException>(() => transport.StartAsync(CancellationToken.None));

        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketError);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, net.Ports[0]), e.EndPoint);
    }
}
