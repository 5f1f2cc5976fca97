using System.Globalization;
using System.Net;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fairway.Network;

/// <summary>Everything a <see cref="TcpPeerTransport"/> needs: who we are, who the peers are, and the limits.</summary>
public sealed record TransportOptions
{
    /// <summary>The chain both sides of a connection must agree on; part of every handshake statement.</summary>
    public required Hash ChainId { get; init; }

    /// <summary>Our index in <see cref="Validators"/>; <see cref="Signer"/> must hold that validator's key.</summary>
    public required int SelfIndex { get; init; }

    public required ISigner Signer { get; init; }

    public required ISignatureVerifier Verifier { get; init; }

    /// <summary>The genesis validator set: a peer is accepted only if it proves the key listed here for its index.</summary>
    public required ValidatorSet Validators { get; init; }

    /// <summary>Where to dial each peer (validator index to endpoint). <see cref="ParseEndPoint"/> reads "host:port".</summary>
    public required IReadOnlyDictionary<int, EndPoint> Peers { get; init; }

    /// <summary>Where the listener binds. Port 0 picks a free port; read it from <see cref="TcpPeerTransport.LocalEndPoint"/>.</summary>
    public required IPEndPoint ListenEndPoint { get; init; }

    /// <summary>Largest frame payload sent or accepted.</summary>
    public int FrameBytesMax { get; init; } = Limits.FrameBytesMax;

    /// <summary>Frames waiting per peer before <see cref="TcpPeerTransport.Send"/> starts returning false.</summary>
    public int SendQueueFramesMax { get; init; } = 4096;

    /// <summary>Payload bytes waiting per peer before <see cref="TcpPeerTransport.Send"/> starts returning false.</summary>
    public long SendQueueBytesMax { get; init; } = 64L * 1024 * 1024;

    /// <summary>Time allowed for connecting plus the whole handshake, on either side.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Inbound connections allowed to be mid-handshake at once; more are closed straight away.</summary>
    public int PendingHandshakesMax { get; init; } = 64;

    /// <summary>Bytes gathered from the send queue before one flush to the socket.</summary>
    public int FlushBytesTarget { get; init; } = 256 * 1024;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of reconnect jitter. Null: a generator seeded from <see cref="SelfIndex"/>.</summary>
    public Random? JitterRandom { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Reads "1.2.3.4:5", "[::1]:5" or "host.name:5".</summary>
    public static EndPoint ParseEndPoint(string hostPort)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostPort);
        if (IPEndPoint.TryParse(hostPort, out var ip) && ip.Port != 0)
        {
            return ip;
        }

        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || colon == hostPort.Length - 1
            || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > IPEndPoint.MaxPort)
        {
            throw new FormatException($"expected host:port, got '{hostPort}'");
        }

        return new DnsEndPoint(hostPort[..colon], port);
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Signer);
        ArgumentNullException.ThrowIfNull(Verifier);
        ArgumentNullException.ThrowIfNull(Validators);
        ArgumentNullException.ThrowIfNull(Peers);
        ArgumentNullException.ThrowIfNull(ListenEndPoint);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Logger);
        if (!Validators.Contains(SelfIndex))
        {
            throw new ArgumentException($"self index {SelfIndex} is not in the validator set");
        }

        if (Validators[SelfIndex].PublicKey != Signer.PublicKey)
        {
            throw new ArgumentException($"the signer's key is not the key of validator {SelfIndex}");
        }

        foreach (var (index, endPoint) in Peers)
        {
            if (!Validators.Contains(index) || index == SelfIndex)
            {
                throw new ArgumentException($"peer index {index} is not another validator");
            }

            ArgumentNullException.ThrowIfNull(endPoint);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FrameBytesMax, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FrameBytesMax, Limits.FrameBytesMax);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueFramesMax, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueBytesMax, FrameBytesMax);
        ArgumentOutOfRangeException.ThrowIfLessThan(PendingHandshakesMax, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushBytesTarget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectBackoffMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectBackoffMax, ReconnectBackoffMin);
    }
}
