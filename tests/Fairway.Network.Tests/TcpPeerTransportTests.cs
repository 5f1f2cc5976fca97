using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Network.Tests;

public sealed class TcpPeerTransportTests
{
    private static byte[] Payload(int sender, int sequence)
    {
        // Sizes vary from 8 bytes to a few KiB, with an occasional 64 KiB frame.
        var size = sequence % 97 == 0 ? 64 * 1024 : 8 + (sequence * 37 % 3000);
        var bytes = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, sender);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), sequence);
        for (var i = 8; i < size; i++)
        {
            bytes[i] = (byte)(sequence + i);
        }

        return bytes;
    }

    private static async Task<TcpPeerTransport[]> StartAllAsync(TestNet net)
    {
        var transports = new TcpPeerTransport[net.Signers.Length];
        for (var i = 0; i < transports.Length; i++)
        {
            transports[i] = await net.StartAsync(i);
        }

        return transports;
    }

    private static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> items)
    {
        foreach (var item in items)
        {
            await item.DisposeAsync();
        }
    }

    /// <summary>Sends a fresh probe from <paramref name="from"/> to <paramref name="to"/> until it arrives.</summary>
    private static async Task AssertDeliversAsync(TcpPeerTransport from, int fromIndex, Inbox toInbox, int toIndex, string tag)
    {
        var probe = System.Text.Encoding.UTF8.GetBytes($"probe {tag} {Guid.NewGuid()}");
        var lastSend = DateTime.MinValue;
        await Eventually.True(() =>
        {
            if (toInbox.Has(fromIndex, probe))
            {
                return true;
            }

            if (DateTime.UtcNow - lastSend > TimeSpan.FromMilliseconds(200))
            {
                from.Send(toIndex, probe);
                lastSend = DateTime.UtcNow;
            }

            return false;
        }, $"a frame from {fromIndex} reaches {toIndex} ({tag})");
    }

    [Fact]
    public async Task Four_transports_exchange_a_thousand_frames_each_way_in_order()
    {
        const int frames = 1000;
        var net = new TestNet(4);
        var transports = await StartAllAsync(net);
        var inboxes = transports.Select(t => new Inbox(t)).ToArray();
        try
        {
            for (var seq = 0; seq < frames; seq++)
            {
                for (var from = 0; from < 4; from++)
                {
                    for (var to = 0; to < 4; to++)
                    {
                        if (to != from)
                        {
                            Assert.True(transports[from].Send(to, Payload(from, seq)));
                        }
                    }
                }
            }

            await Eventually.True(() => inboxes.All(inbox => inbox.Total == 3 * frames), "every frame arrives");
            for (var to = 0; to < 4; to++)
            {
                for (var from = 0; from < 4; from++)
                {
                    if (from == to)
                    {
                        Assert.Equal(0, inboxes[to].Count(from));
                        continue;
                    }

                    var received = inboxes[to].From(from);
                    Assert.Equal(frames, received.Length);
                    for (var seq = 0; seq < frames; seq++)
                    {
                        Assert.Equal(Payload(from, seq), received[seq]);
                    }
                }

                Assert.Equal(3, transports[to].ConnectedPeers);
                Assert.Equal(3 * frames, transports[to].Stats.FramesSent);
                Assert.Equal(3 * frames, transports[to].Stats.FramesReceived);
                Assert.Equal(0, transports[to].Stats.ConnectionsRejected);
                Assert.Equal(0, transports[to].Stats.FramesRejected);
            }
        }
        finally
        {
            await DisposeAllAsync(transports);
        }
    }

    [Fact]
    public async Task A_peer_whose_key_is_not_in_the_validator_set_is_refused_and_the_others_carry_on()
    {
        var net = new TestNet(3);
        var honest0 = await net.StartAsync(0);
        var honest1 = await net.StartAsync(1);
        // Node 2 runs with a key the genesis does not list for index 2 (its own copy of the set says otherwise).
        var impostorKey = Ed25519Signer.FromSeedPhrase("not-a-validator");
        var impostorSet = new ValidatorSet(net.Validators.Validators.Select((v, i) => i == 2 ? v with { PublicKey = impostorKey.PublicKey } : v));
        var impostor = await net.StartAsync(2, o => o with { Signer = impostorKey, Validators = impostorSet });
        var inbox0 = new Inbox(honest0);
        var inbox1 = new Inbox(honest1);
        try
        {
            for (var i = 0; i < 50; i++)
            {
                impostor.Send(0, new byte[] { 1, 2, 3 });
                impostor.Send(1, new byte[] { 1, 2, 3 });
            }

            // Both directions fail: honest nodes refuse its client signature and its server signature.
            await Eventually.True(() => honest0.Stats.ConnectionsRejected >= 2 && honest1.Stats.ConnectionsRejected >= 2,
                "both honest nodes refuse the impostor, inbound and outbound");
            await AssertDeliversAsync(honest0, 0, inbox1, 1, "after impostor");
            await AssertDeliversAsync(honest1, 1, inbox0, 0, "after impostor");

            Assert.Equal(0, inbox0.Count(2));
            Assert.Equal(0, inbox1.Count(2));
            Assert.False(honest0.IsConnected(2));
            Assert.False(honest1.IsConnected(2));
            Assert.Equal(1, honest0.ConnectedPeers);
            Assert.Equal(0, impostor.ConnectedPeers);
        }
        finally
        {
            await DisposeAllAsync([impostor, honest0, honest1]);
        }
    }

    [Fact]
    public async Task A_peer_on_another_chain_is_refused()
    {
        var net = new TestNet(2);
        var ours = await net.StartAsync(0);
        var theirs = await net.StartAsync(1, o => o with { ChainId = Hash.Compute("some-other-chain"u8) });
        var inbox = new Inbox(ours);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                theirs.Send(0, new byte[] { 9 });
            }

            await Eventually.True(() => ours.Stats.ConnectionsRejected >= 2 && theirs.Stats.ConnectionsRejected >= 2,
                "each side refuses the other");
            Assert.Equal(0, inbox.Total);
            Assert.Equal(0, ours.ConnectedPeers);
            Assert.Equal(0, theirs.ConnectedPeers);
        }
        finally
        {
            await DisposeAllAsync([theirs, ours]);
        }
    }

    public static TheoryData<string> BadInputs => ["garbage", "hello with wrong chain", "hello for our own index", "bad signature", "oversized frame", "zero-length frame", "truncated frame"];

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task A_misbehaving_raw_connection_is_closed_and_counted_and_legitimate_peers_still_exchange_frames(string kind)
    {
        // Index 2 is a validator whose key the raw client holds; 0 and 1 are real transports.
        var net = new TestNet(3);
        var node0 = await net.StartAsync(0, o => o with { Peers = new Dictionary<int, EndPoint> { [1] = o.Peers[1] }, FrameBytesMax = 1024 * 1024 });
        var node1 = await net.StartAsync(1, o => o with { Peers = new Dictionary<int, EndPoint> { [0] = o.Peers[0] } });
        var inbox0 = new Inbox(node0);
        var inbox1 = new Inbox(node1);
        try
        {
            await AssertDeliversAsync(node1, 1, inbox0, 0, "before");
            var raw = await RawPeer.ConnectAsync(net.Ports[0]);
            await using (raw)
            {
                var nonce = new byte[Handshake.NonceSize];
                switch (kind)
                {
                    case "garbage":
                        await raw.WriteRawAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
                        break;
                    case "hello with wrong chain":
                        await raw.WriteFrameAsync(Handshake.EncodeHello(Hash.Compute("elsewhere"u8), 2, nonce));
                        break;
                    case "hello for our own index":
                        await raw.WriteFrameAsync(Handshake.EncodeHello(TestNet.ChainId, 0, nonce));
                        break;
                    case "bad signature":
                        await raw.ClientHandshakeAsync(net.Signers[2], 2, 0, spoilSignature: true);
                        break;
                    case "oversized frame":
                        await raw.ClientHandshakeAsync(net.Signers[2], 2, 0);
                        await raw.WriteRawAsync(RawPeer.LengthPrefix((1024 * 1024) + 1));
                        break;
                    case "zero-length frame":
                        await raw.ClientHandshakeAsync(net.Signers[2], 2, 0);
                        await raw.WriteFrameAsync([7, 7, 7]);
                        await raw.WriteRawAsync(RawPeer.LengthPrefix(0));
                        break;
                    case "truncated frame":
                        await raw.ClientHandshakeAsync(net.Signers[2], 2, 0);
                        await raw.WriteRawAsync([.. RawPeer.LengthPrefix(100), .. new byte[40]]);
                        raw.ShutdownSend();
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(kind));
                }

                Assert.True(await raw.IsClosedByPeerAsync(), "the transport closes the connection");
            }

            var handshakeFailure = kind is "garbage" or "hello with wrong chain" or "hello for our own index" or "bad signature";
            if (handshakeFailure)
            {
                await Eventually.True(() => node0.Stats.ConnectionsRejected == 1, "the refused handshake is counted");
                Assert.Equal(0, node0.Stats.FramesRejected);
                Assert.Equal(0, inbox0.Count(2));
            }
            else
            {
                await Eventually.True(() => node0.Stats.FramesRejected == 1, "the bad frame is counted");
                Assert.Equal(0, node0.Stats.ConnectionsRejected);
                Assert.Equal(kind == "zero-length frame" ? 1 : 0, inbox0.Count(2));
            }

            await Eventually.True(() => !node0.IsInboundConnected(2), "the raw peer no longer counts as connected");
            await AssertDeliversAsync(node1, 1, inbox0, 0, "after");
            await AssertDeliversAsync(node0, 0, inbox1, 1, "after");
        }
        finally
        {
            await DisposeAllAsync([node0, node1]);
        }
    }

    [Fact]
    public async Task Peers_reconnect_when_a_validator_restarts_on_the_same_port()
    {
        var net = new TestNet(3);
        var transports = await StartAllAsync(net);
        var inboxes = transports.Select(t => new Inbox(t)).ToArray();
        try
        {
            await AssertDeliversAsync(transports[0], 0, inboxes[2], 2, "before restart");
            await AssertDeliversAsync(transports[2], 2, inboxes[0], 0, "before restart");

            await transports[2].DisposeAsync();
            await Eventually.True(() => !transports[0].IsConnected(2) && !transports[1].IsConnected(2), "the others notice it left");

            transports[2] = await net.StartAsync(2);
            inboxes[2] = new Inbox(transports[2]);
            for (var from = 0; from < 2; from++)
            {
                await AssertDeliversAsync(transports[from], from, inboxes[2], 2, "after restart");
                await AssertDeliversAsync(transports[2], 2, inboxes[from], from, "after restart");
            }

            await Eventually.True(() => transports.All(t => t.ConnectedPeers == 2), "everyone is connected again");
        }
        finally
        {
            await DisposeAllAsync(transports);
        }
    }

    [Fact]
    public async Task Send_returns_false_when_a_peer_that_never_reads_fills_the_queue()
    {
        var net = new TestNet(2);
        using var silent = new TcpListener(IPAddress.Loopback, net.Ports[1]);
        silent.Start();
        var node0 = await net.StartAsync(0, o => o with { SendQueueFramesMax = 8 });
        try
        {
            // The silent peer authenticates as validator 1, then never reads another byte.
            using var accepted = await silent.AcceptTcpClientAsync();
            var raw = RawPeer.Accepted(accepted);
            await raw.ServerHandshakeAsync(net.Signers[1], 1);
            await Eventually.True(() => node0.IsOutboundConnected(1), "the outbound connection authenticates");

            var frame = new byte[64 * 1024];
            await Eventually.True(() => !node0.Send(1, frame), "socket buffers and the queue fill up");
            Assert.True(node0.Stats.FramesDroppedQueueFull >= 1);
            Assert.True(node0.Stats.FramesSent > 0);
        }
        finally
        {
            await node0.DisposeAsync();
        }
    }

    [Fact]
    public async Task Send_refuses_self_unknown_peers_empty_and_oversized_frames_and_a_full_queue_while_disconnected()
    {
        var net = new TestNet(3);
        // Nobody listens on the peers' ports, so frames just queue.
        var node0 = await net.StartAsync(0, o => o with { SendQueueFramesMax = 4, FrameBytesMax = 1000 });
        try
        {
            Assert.False(node0.Send(0, new byte[10]));
            Assert.False(node0.Send(7, new byte[10]));
            Assert.False(node0.Send(1, ReadOnlyMemory<byte>.Empty));
            Assert.False(node0.Send(1, new byte[1001]));
            for (var i = 0; i < 4; i++)
            {
                Assert.True(node0.Send(1, new byte[1000]));
            }

            Assert.False(node0.Send(1, new byte[10]));
            Assert.True(node0.Send(2, new byte[10]), "each peer has its own queue");
            Assert.Equal(4, node0.Stats.FramesDroppedQueueFull);
            Assert.Equal(0, node0.ConnectedPeers);
        }
        finally
        {
            await node0.DisposeAsync();
        }

        Assert.False(node0.Send(1, new byte[10]), "a disposed transport sends nothing");
    }

    [Fact]
    public async Task Send_returns_false_when_the_queued_bytes_would_pass_the_limit()
    {
        var net = new TestNet(2);
        var node0 = await net.StartAsync(0, o => o with { FrameBytesMax = 1000, SendQueueBytesMax = 2500 });
        try
        {
            Assert.True(node0.Send(1, new byte[1000]));
            Assert.True(node0.Send(1, new byte[1000]));
            Assert.False(node0.Send(1, new byte[1000]));
            Assert.True(node0.Send(1, new byte[500]), "a smaller frame still fits");
            Assert.False(node0.Send(1, new byte[1]));
            Assert.Equal(2, node0.Stats.FramesDroppedQueueFull);
            Assert.Equal(0, node0.ConnectedPeers);
        }
        finally
        {
            await node0.DisposeAsync();
        }

        Assert.False(node0.Send(1, new byte[10]), "a disposed transport sends nothing");
    }

    [Fact]
    public async Task Listening_on_port_zero_exposes_the_bound_port()
    {
        var net = new TestNet(2);
        var node = await net.StartAsync(0, o => o with { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        try
        {
            Assert.NotNull(node.LocalEndPoint);
            Assert.NotEqual(0, node.LocalEndPoint!.Port);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_connection_that_never_finishes_the_handshake_is_closed_after_the_timeout()
    {
        var net = new TestNet(2);
        var node0 = await net.StartAsync(0, o => o with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        try
        {
            var raw = await RawPeer.ConnectAsync(net.Ports[0]);
            await using (raw)
            {
                Assert.True(await raw.IsClosedByPeerAsync(), "the silent connection is dropped");
            }

            await Eventually.True(() => node0.Stats.ConnectionsRejected == 1, "the timeout is counted");
        }
        finally
        {
            await node0.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connections_beyond_the_pending_handshake_limit_are_closed_at_once()
    {
        var net = new TestNet(2);
        var node0 = await net.StartAsync(0, o => o with { PendingHandshakesMax = 1, Peers = new Dictionary<int, EndPoint>() });
        try
        {
            var first = await RawPeer.ConnectAsync(net.Ports[0]);
            await using (first)
            {
                var second = await RawPeer.ConnectAsync(net.Ports[0]);
                await using (second)
                {
                    Assert.True(await second.IsClosedByPeerAsync(), "the second pending connection is refused");
                }

                await Eventually.True(() => node0.Stats.ConnectionsRejected == 1, "the refusal is counted");

                // The first one can still authenticate and send.
                var inbox = new Inbox(node0);
                await first.ClientHandshakeAsync(net.Signers[1], 1, 0);
                await first.WriteFrameAsync([1, 2, 3]);
                await Eventually.True(() => inbox.Has(1, [1, 2, 3]), "the first connection delivers a frame");
            }
        }
        finally
        {
            await node0.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_throwing_frame_handler_does_not_break_the_connection()
    {
        var net = new TestNet(2);
        var node0 = await net.StartAsync(0);
        var node1 = await net.StartAsync(1);
        var inbox = new Inbox(node1);
        node1.FrameReceived += (_, payload) =>
        {
            if (payload.Span[0] == 0xEE)
            {
                throw new InvalidOperationException("handler bug");
            }
        };
        try
        {
            Assert.True(node0.Send(1, new byte[] { 0xEE }));
            Assert.True(node0.Send(1, new byte[] { 0x01 }));
            await Eventually.True(() => inbox.Count(0) == 2, "both frames arrive");
            Assert.Equal(0, node1.Stats.FramesRejected);
        }
        finally
        {
            await DisposeAllAsync([node0, node1]);
        }
    }
}
