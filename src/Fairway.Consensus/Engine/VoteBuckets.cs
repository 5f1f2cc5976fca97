using Fairway.Consensus.Messages;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

/// <summary>Votes received for one round, grouped by the block they vote for.</summary>
internal sealed class RoundVotes
{
    public Dictionary<ushort, VoteMessage> ByVoter { get; } = [];

    public Dictionary<Hash, (ulong Stake, SortedList<ushort, Signature> Signatures)> ByBlock { get; } = [];

    public bool CertificateFormed { get; set; }
}

/// <summary>Timeouts received for one round.</summary>
internal sealed class RoundTimeouts
{
    public SortedList<ushort, TimeoutSignature> ByAuthor { get; } = [];

    public ulong Stake { get; set; }

    public bool CertificateFormed { get; set; }
}

/// <summary>The first proposal seen from each author in one round, to catch a second, different one.</summary>
internal sealed class RoundProposals
{
    public Dictionary<ushort, ProposalMessage> ByAuthor { get; } = [];
}
