using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Network.Tests;

/// <summary>Keys, a validator set and free loopback ports for a small test network.</summary>
internal sealed class TestNet
{
    public static readonly Hash ChainId = Hash.Compute("fairway-network-tests"u8);

    public TestNet(int count)
    {
        Signers = Enumerable.Range(0, count).Select(i => Ed25519Signer.FromSeedPhrase($"network-test-validator-{i}")).ToArray();
        Validators = new ValidatorSet(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
        Ports = Enumerable.Range(0, count).Select(_ => FreePort()).ToArray();
    }

    public Ed25519Signer[] Signers { get; }

    public ValidatorSet Validators { get; }

    public int[] Ports { get; }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public TransportOptions Options(int self, Func<TransportOptions, TransportOptions>? adjust = null)
    {
        var peers = new Dictionary<int, EndPoint>();
        for (var i = 0; i < Signers.Length; i++)
        {
            if (i != self)
            {
                peers[i] = new IPEndPoint(IPAddress.Loopback, Ports[i]);
            }
        }

        var options = new TransportOptions
        {
            ChainId = ChainId,
            SelfIndex = self,
            Signer = Signers[self],
            Verifier = Ed25519Verifier.Instance,
            Validators = Validators,
            Peers = peers,
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, Ports[self]),
            ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(500),
            JitterRandom = new Random(self),
        };
        return adjust is null ? options : adjust(options);
    }

    public async Task<TcpPeerTransport> StartAsync(int self, Func<TransportOptions, TransportOptions>? adjust = null)
    {
        var transport = new TcpPeerTransport(Options(self, adjust));
        await transport.StartAsync(CancellationToken.None);
        return transport;
    }
}

/// <summary>Bounded waits: poll a condition, never a fixed sleep.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task True(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Collects frames a transport delivers, per sender.</summary>
internal sealed class Inbox
{
    private readonly ConcurrentDictionary<int, ConcurrentQueue<byte[]>> _frames = new();

    public Inbox(TcpPeerTransport transport)
    {
        transport.FrameReceived += (peer, payload) =>
            _frames.GetOrAdd(peer, _ => new ConcurrentQueue<byte[]>()).Enqueue(payload.ToArray());
    }

    public int Count(int peer) => _frames.TryGetValue(peer, out var q) ? q.Count : 0;

    public int Total => _frames.Values.Sum(q => q.Count);

    public byte[][] From(int peer) => _frames.TryGetValue(peer, out var q) ? q.ToArray() : [];

    public bool Has(int peer, ReadOnlySpan<byte> payload)
    {
        foreach (var frame in From(peer))
        {
            if (frame.AsSpan().SequenceEqual(payload))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A hand-driven TCP peer that speaks (or breaks) the wire protocol byte by byte.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawPeer(client);
    }

    public static RawPeer Accepted(TcpClient client) => new(client);

    public async Task WriteRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public Task WriteFrameAsync(byte[] payload) => WriteRawAsync(Frame(payload));

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)payload.Length);
        payload.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    public static byte[] LengthPrefix(uint length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        return bytes;
    }

    public void ShutdownSend() => _client.Client.Shutdown(SocketShutdown.Send);

    public async Task<byte[]> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(Eventually.Deadline);
        var header = new byte[4];
        await _stream.ReadExactlyAsync(header, cts.Token);
        var payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
        await _stream.ReadExactlyAsync(payload, cts.Token);
        return payload;
    }

    /// <summary>Acts as validator <paramref name="clientIndex"/> dialing <paramref name="serverIndex"/>; optionally spoils the final signature.</summary>
    public async Task ClientHandshakeAsync(ISigner signer, int clientIndex, int serverIndex, bool spoilSignature = false)
    {
        var clientNonce = new byte[Handshake.NonceSize];
        Random.Shared.NextBytes(clientNonce);
        await WriteFrameAsync(Handshake.EncodeHello(TestNet.ChainId, clientIndex, clientNonce));
        var reply = await ReadFrameAsync();
        Assert.Equal(Handshake.ReplySize, reply.Length);
        var serverNonce = reply.AsSpan(Handshake.HeaderSize + 4, Handshake.NonceSize).ToArray();
        var statement = SigningDomain.HandshakeClientMessage(TestNet.ChainId, clientIndex, serverIndex, serverNonce, clientNonce);
        var signature = signer.Sign(statement).ToArray();
        if (spoilSignature)
        {
            signature[7] ^= 0x40;
        }

        await WriteFrameAsync(Handshake.EncodeAuth(new Signature(signature)));
        if (!spoilSignature)
        {
            var welcome = await ReadFrameAsync();
            Assert.Equal(Handshake.WelcomeSize, welcome.Length);
        }
    }

    /// <summary>Acts as validator <paramref name="serverIndex"/> accepting a dial, then returns without reading further.</summary>
    public async Task ServerHandshakeAsync(ISigner signer, int serverIndex)
    {
        var hello = await ReadFrameAsync();
        Assert.Equal(Handshake.HelloSize, hello.Length);
        var clientIndex = (int)BinaryPrimitives.ReadUInt32LittleEndian(hello.AsSpan(Handshake.HeaderSize + Hash.Size));
        var clientNonce = hello.AsSpan(Handshake.HeaderSize + Hash.Size + 4, Handshake.NonceSize).ToArray();
        var serverNonce = new byte[Handshake.NonceSize];
        Random.Shared.NextBytes(serverNonce);
        var signature = signer.Sign(SigningDomain.HandshakeServerMessage(TestNet.ChainId, clientIndex, serverIndex, clientNonce, serverNonce));
        await WriteFrameAsync(Handshake.EncodeReply(serverIndex, serverNonce, signature));
        var auth = await ReadFrameAsync();
        Assert.Equal(Handshake.AuthSize, auth.Length);
        await WriteFrameAsync(Handshake.EncodeWelcome());
    }

    /// <summary>True once the other side has closed: reads drain to end of stream within the deadline.</summary>
    public async Task<bool> IsClosedByPeerAsync()
    {
        using var cts = new CancellationTokenSource(Eventually.Deadline);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
