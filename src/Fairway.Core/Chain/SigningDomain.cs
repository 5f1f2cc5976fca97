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

    private static readonly byte[] Prefix = "FAIRWAY-SIG-v1\0\0"u8.ToArray();

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

    public static byte[] BatchMessage(Hash chainId, Hash digest) => Build(Batch, chainId, w => w.WriteHash(digest));

    private static byte[] Build(byte kind, Hash chainId, Action<CanonicalWriter> body)
    {
        var writer = new CanonicalWriter(96);
        writer.WriteRaw(Prefix);
        writer.WriteU8(kind);
        writer.WriteHash(chainId);
        body(writer);
        return writer.ToArray();
    }
}
