using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Core.Chain;

/// <summary>
/// Builds the exact bytes a validator signs. Each kind of statement has its own tag and every statement names
/// the chain, so a signature can never be replayed as another kind of message or on another chain.
/// </summary>
public static class SigningDomain
{
    public const byte Proposal = 1;
    public const byte Vote = 2;
    public const byte Timeout = 3;
    public const byte Handshake = 4;
    public const byte Receipt = 5;
    public const byte Batch = 6;
    public const byte Output = 7;
    public const byte CandidateList = 8;
    public const byte Dkg = 9;
    public const byte DecryptionShares = 10;

    /// <summary>A bidder's sealed bid for a namespace's express lane (signed in the plaintext, before it is encrypted).</summary>
    public const byte AuctionBid = 11;

    /// <summary>An express-lane controller's priority bundle.</summary>
    public const byte PriorityBundle = 12;

    /// <summary>An express-lane controller handing the lane for one epoch to another key.</summary>
    public const byte ControllerTransfer = 13;

    private static readonly byte[] Prefix = "FAIRWAY-SIG-v1\0\0"u8.ToArray();

    /// <summary>
    /// The id consensus statements (proposals, votes, timeouts) of <paramref name="epoch"/> are signed under, in place of
    /// the chain id: the chain id itself for epoch 0, so chains that never change epoch sign as before, and a hash naming
    /// the epoch after that, so a vote or certificate of one epoch is never valid in another.
    /// </summary>
    public static Hash EpochId(Hash chainId, ulong epoch)
    {
        if (epoch == 0)
        {
            return chainId;
        }

        var writer = new CanonicalWriter(64);
        writer.WriteRaw("FAIRWAY-EPOCH-v1"u8);
        writer.WriteHash(chainId);
        writer.WriteU64(epoch);
        return Hash.Compute(writer.ToArray());
    }

    public static byte[] ProposalMessage(Hash chainId, Hash blockHash) => Build(Proposal, chainId, w => w.WriteHash(blockHash));

    public static byte[] VoteMessage(Hash chainId, ulong round, Hash blockHash) => Build(Vote, chainId, w =>
    {
        w.WriteU64(round);
        w.WriteHash(blockHash);
    });

    public static byte[] TimeoutMessage(Hash chainId, ulong round, ulong highQcRound) => Build(Timeout, chainId, w =>
    {
        w.WriteU64(round);
        w.WriteU64(highQcRound);
    });

    /// <summary>A validator's statement that the ordered output of committed height <paramref name="height"/> has header <paramref name="headerHash"/>.</summary>
    public static byte[] OutputMessage(Hash chainId, ulong height, Hash headerHash) => Build(Output, chainId, w =>
    {
        w.WriteU64(height);
        w.WriteHash(headerHash);
    });

    public static byte[] BatchMessage(Hash chainId, Hash digest) => Build(Batch, chainId, w => w.WriteHash(digest));

    /// <summary>A validator's candidate list for the inclusion stage, by the digest of its unsigned body.</summary>
    public static byte[] CandidateListMessage(Hash chainId, Hash digest) => Build(CandidateList, chainId, w => w.WriteHash(digest));

    /// <summary>A validator's receipt: it received transaction <paramref name="transactionHash"/> at <paramref name="receivedAtMs"/>.</summary>
    public static byte[] ReceiptMessage(Hash chainId, Hash transactionHash, ushort validator, ulong receivedAtMs) => Build(Receipt, chainId, w =>
    {
        w.WriteHash(transactionHash);
        w.WriteU16(validator);
        w.WriteU64(receivedAtMs);
    });

    /// <summary>A validator's decryption shares for committed height <paramref name="height"/>, by the hash of their encoding.</summary>
    public static byte[] DecryptionSharesMessage(Hash chainId, ushort validator, ulong height, Hash sharesHash) => Build(DecryptionShares, chainId, w =>
    {
        w.WriteU16(validator);
        w.WriteU64(height);
        w.WriteHash(sharesHash);
    });

    /// <summary>A validator's key-generation message (a dealing or a complaint) of kind <paramref name="kind"/>, by the hash of its body.</summary>
    public static byte[] DkgMessage(Hash chainId, byte kind, ushort validator, Hash bodyHash) => Build(Dkg, chainId, w =>
    {
        w.WriteU8(kind);
        w.WriteU16(validator);
        w.WriteHash(bodyHash);
    });

    /// <summary>A bid of <paramref name="amount"/> for the express lane of <paramref name="namespace"/> in auction epoch <paramref name="epoch"/>.</summary>
    public static byte[] AuctionBidMessage(Hash chainId, ulong @namespace, ulong epoch, ulong amount) => Build(AuctionBid, chainId, w =>
    {
        w.WriteU64(@namespace);
        w.WriteU64(epoch);
        w.WriteU64(amount);
    });

    /// <summary>Priority bundle <paramref name="sequence"/> of the express lane of <paramref name="namespace"/> in <paramref name="epoch"/>, by the hash of its transactions.</summary>
    public static byte[] PriorityBundleMessage(Hash chainId, ulong @namespace, ulong epoch, ulong sequence, Hash transactionsHash) => Build(PriorityBundle, chainId, w =>
    {
        w.WriteU64(@namespace);
        w.WriteU64(epoch);
        w.WriteU64(sequence);
        w.WriteHash(transactionsHash);
    });

    /// <summary>The controller of <paramref name="namespace"/>'s express lane in <paramref name="epoch"/> hands it to <paramref name="to"/>.</summary>
    public static byte[] ControllerTransferMessage(Hash chainId, ulong @namespace, ulong epoch, PublicKey to) => Build(ControllerTransfer, chainId, w =>
    {
        w.WriteU64(@namespace);
        w.WriteU64(epoch);
        w.WritePublicKey(to);
    });

    /// <summary>Size of each side's random challenge in the peer handshake.</summary>
    public const int HandshakeNonceSize = 32;

    /// <summary>
    /// What the accepting (server) side of a peer connection signs: it answers the client's fresh nonce, so the
    /// client knows it is talking to the holder of <paramref name="serverIndex"/>'s key right now.
    /// </summary>
    public static byte[] HandshakeServerMessage(
        Hash chainId, int clientIndex, int serverIndex, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce) =>
        HandshakeStatement("server"u8, chainId, clientIndex, serverIndex, clientNonce, serverNonce);

    /// <summary>
    /// What the dialing (client) side signs. The role and nonce order differ from the server statement, so one
    /// can never be reflected back as the other.
    /// </summary>
    public static byte[] HandshakeClientMessage(
        Hash chainId, int clientIndex, int serverIndex, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> clientNonce) =>
        HandshakeStatement("client"u8, chainId, clientIndex, serverIndex, serverNonce, clientNonce);

    private static byte[] HandshakeStatement(
        ReadOnlySpan<byte> role, Hash chainId, int clientIndex, int serverIndex, ReadOnlySpan<byte> firstNonce, ReadOnlySpan<byte> secondNonce)
    {
        if (firstNonce.Length != HandshakeNonceSize || secondNonce.Length != HandshakeNonceSize)
        {
            throw new ArgumentException($"handshake nonces are {HandshakeNonceSize} bytes");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(clientIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(serverIndex);
        var writer = Begin(Handshake, chainId);
        writer.WriteBytes(role);
        writer.WriteU32((uint)clientIndex);
        writer.WriteU32((uint)serverIndex);
        writer.WriteRaw(firstNonce);
        writer.WriteRaw(secondNonce);
        return writer.ToArray();
    }

    private static byte[] Build(byte kind, Hash chainId, Action<CanonicalWriter> body)
    {
        var writer = Begin(kind, chainId);
        body(writer);
        return writer.ToArray();
    }

    private static CanonicalWriter Begin(byte kind, Hash chainId)
    {
        var writer = new CanonicalWriter(160);
        writer.WriteRaw(Prefix);
        writer.WriteU8(kind);
        writer.WriteHash(chainId);
        return writer;
    }
}
