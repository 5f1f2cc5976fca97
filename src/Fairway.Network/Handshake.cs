using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Validators;

namespace Fairway.Network;

/// <summary>A peer failed to authenticate: wrong chain, unknown index, bad signature, malformed or missing message.</summary>
public sealed class HandshakeException : Exception
{
    public HandshakeException()
    {
    }

    public HandshakeException(string message)
        : base(message)
    {
    }

    public HandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Mutual authentication when a validator dials another. Every message is one frame that starts with
/// "FWAY", a version byte and a message type byte:
/// <code>
/// client -> server  Hello   : chain id (32) | client index u32 | client nonce (32)
/// server -> client  Reply   : server index u32 | server nonce (32) | sig_server (64)
/// client -> server  Auth    : sig_client (64)
/// server -> client  Welcome : (empty)
/// </code>
/// sig_server covers <see cref="SigningDomain.HandshakeServerMessage"/> and sig_client covers
/// <see cref="SigningDomain.HandshakeClientMessage"/>: each side signs the other's fresh nonce, so neither can be replayed.
/// The transport is authenticated but not encrypted: an attacker on the path can still read, drop or relay bytes.
/// </summary>
public static class Handshake
{
    public const byte Version = 1;
    public const byte HelloType = 1;
    public const byte ReplyType = 2;
    public const byte AuthType = 3;
    public const byte WelcomeType = 4;

    public const int HeaderSize = 6;
    public const int NonceSize = SigningDomain.HandshakeNonceSize;
    public const int HelloSize = HeaderSize + Hash.Size + 4 + NonceSize;
    public const int ReplySize = HeaderSize + 4 + NonceSize + Signature.Size;
    public const int AuthSize = HeaderSize + Signature.Size;
    public const int WelcomeSize = HeaderSize;

    /// <summary>Largest handshake frame anyone may send; a longer length prefix closes the connection at once.</summary>
    public const int FrameBytesMax = 256;

    private static ReadOnlySpan<byte> Magic => "FWAY"u8;

    public static byte[] EncodeHello(Hash chainId, int clientIndex, ReadOnlySpan<byte> clientNonce)
    {
        var bytes = NewMessage(HelloType, HelloSize);
        chainId.CopyTo(bytes.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderSize + Hash.Size), (uint)clientIndex);
        CopyNonce(clientNonce, bytes.AsSpan(HeaderSize + Hash.Size + 4));
        return bytes;
    }

    public static byte[] EncodeReply(int serverIndex, ReadOnlySpan<byte> serverNonce, Signature signature)
    {
        var bytes = NewMessage(ReplyType, ReplySize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderSize), (uint)serverIndex);
        CopyNonce(serverNonce, bytes.AsSpan(HeaderSize + 4));
        signature.CopyTo(bytes.AsSpan(HeaderSize + 4 + NonceSize));
        return bytes;
    }

    public static byte[] EncodeAuth(Signature signature)
    {
        var bytes = NewMessage(AuthType, AuthSize);
        signature.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    public static byte[] EncodeWelcome() => NewMessage(WelcomeType, WelcomeSize);

    /// <summary>Server side: returns the authenticated client's validator index, or throws <see cref="HandshakeException"/>.</summary>
    internal static async ValueTask<int> AcceptAsync(
        PipeReader reader, PipeWriter writer, TransportOptions options, CancellationToken cancellationToken)
    {
        var hello = await Framing.ReadOneAsync(reader, FrameBytesMax, cancellationToken).ConfigureAwait(false);
        CheckHeader(hello, HelloType, HelloSize);
        var chainId = new Hash(hello.AsSpan(HeaderSize, Hash.Size));
        if (chainId != options.ChainId)
        {
            throw new HandshakeException($"peer is on chain {chainId}, not ours");
        }

        var clientIndex = ReadIndex(hello.AsSpan(HeaderSize + Hash.Size), options.Validators);
        if (clientIndex == options.SelfIndex)
        {
            throw new HandshakeException("peer claims our own index");
        }

        var clientNonce = hello.AsSpan(HeaderSize + Hash.Size + 4, NonceSize).ToArray();
        var serverNonce = RandomNumberGenerator.GetBytes(NonceSize);
        var serverSignature = options.Signer.Sign(
            SigningDomain.HandshakeServerMessage(options.ChainId, clientIndex, options.SelfIndex, clientNonce, serverNonce));
        await WriteAsync(writer, EncodeReply(options.SelfIndex, serverNonce, serverSignature), cancellationToken).ConfigureAwait(false);

        var auth = await Framing.ReadOneAsync(reader, FrameBytesMax, cancellationToken).ConfigureAwait(false);
        CheckHeader(auth, AuthType, AuthSize);
        var clientSignature = new Signature(auth.AsSpan(HeaderSize, Signature.Size));
        var statement = SigningDomain.HandshakeClientMessage(options.ChainId, clientIndex, options.SelfIndex, serverNonce, clientNonce);
        if (!options.Verifier.Verify(options.Validators[clientIndex].PublicKey, statement, clientSignature))
        {
            throw new HandshakeException($"bad handshake signature from a peer claiming index {clientIndex}");
        }

        await WriteAsync(writer, EncodeWelcome(), cancellationToken).ConfigureAwait(false);
        return clientIndex;
    }

    /// <summary>Client side: proves who we are to <paramref name="serverIndex"/> and checks it is who we dialed.</summary>
    internal static async ValueTask ConnectAsync(
        PipeReader reader, PipeWriter writer, TransportOptions options, int serverIndex, CancellationToken cancellationToken)
    {
        var clientNonce = RandomNumberGenerator.GetBytes(NonceSize);
        await WriteAsync(writer, EncodeHello(options.ChainId, options.SelfIndex, clientNonce), cancellationToken).ConfigureAwait(false);

        var reply = await Framing.ReadOneAsync(reader, FrameBytesMax, cancellationToken).ConfigureAwait(false);
        CheckHeader(reply, ReplyType, ReplySize);
        var claimedIndex = ReadIndex(reply.AsSpan(HeaderSize), options.Validators);
        if (claimedIndex != serverIndex)
        {
            throw new HandshakeException($"dialed validator {serverIndex} but validator {claimedIndex} answered");
        }

        var serverNonce = reply.AsSpan(HeaderSize + 4, NonceSize).ToArray();
        var serverSignature = new Signature(reply.AsSpan(HeaderSize + 4 + NonceSize, Signature.Size));
        var statement = SigningDomain.HandshakeServerMessage(options.ChainId, options.SelfIndex, serverIndex, clientNonce, serverNonce);
        if (!options.Verifier.Verify(options.Validators[serverIndex].PublicKey, statement, serverSignature))
        {
            throw new HandshakeException($"bad handshake signature from the server at index {serverIndex}");
        }

        var clientSignature = options.Signer.Sign(
            SigningDomain.HandshakeClientMessage(options.ChainId, options.SelfIndex, serverIndex, serverNonce, clientNonce));
        await WriteAsync(writer, EncodeAuth(clientSignature), cancellationToken).ConfigureAwait(false);

        var welcome = await Framing.ReadOneAsync(reader, FrameBytesMax, cancellationToken).ConfigureAwait(false);
        CheckHeader(welcome, WelcomeType, WelcomeSize);
    }

    private static byte[] NewMessage(byte type, int size)
    {
        var bytes = new byte[size];
        Magic.CopyTo(bytes);
        bytes[4] = Version;
        bytes[5] = type;
        return bytes;
    }

    private static void CopyNonce(ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"a handshake nonce is {NonceSize} bytes", nameof(nonce));
        }

        nonce.CopyTo(destination);
    }

    private static void CheckHeader(byte[] message, byte type, int size)
    {
        if (message.Length != size || !message.AsSpan(0, 4).SequenceEqual(Magic) || message[4] != Version || message[5] != type)
        {
            throw new HandshakeException($"expected handshake message type {type} of {size} bytes");
        }
    }

    private static int ReadIndex(ReadOnlySpan<byte> bytes, ValidatorSet validators)
    {
        var index = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (index >= (uint)validators.Count)
        {
            throw new HandshakeException($"unknown validator index {index}");
        }

        return (int)index;
    }

    private static async ValueTask WriteAsync(PipeWriter writer, byte[] message, CancellationToken cancellationToken)
    {
        Framing.Write(writer, message);
        var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted || flush.IsCanceled)
        {
            throw new HandshakeException("connection closed during the handshake");
        }
    }
}
