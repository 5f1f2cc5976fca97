using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Node.Config;
using Fairway.Node.Metrics;
using Fairway.Node.Runtime;
using Fairway.Node.Wire;
using Fairway.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fairway.Node.Tests;

/// <summary>The node's output stage alone: ordering committed blocks, signing, gathering f+1 signatures, handing firm heights to the disk in order.</summary>
public sealed class OutputStageTests : IDisposable
{
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"output-stage-{i}"))];
    private static readonly Hash ChainId = NodeIdentity.ChainIdOf("output-stage-tests");

    private readonly NodeMetrics _metrics = new();
    private readonly Host _host = new();
    private readonly OutputStage _stage;
    private QuorumCertificate _parent;

    public OutputStageTests()
    {
        var validators = new ValidatorSet(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
        var genesis = new GenesisDocument
        {
            ChainId = "output-stage-tests",
            Validators = [.. Signers.Select((s, i) => new GenesisValidator { Name = $"v{i}", PublicKey = s.PublicKey.ToHex(), P2p = $"127.0.0.1:{30000 + i}" })],
        };
        var config = new NodeConfig { Validator = "v0", KeyFile = "k", GenesisFile = "g", DataDir = "d", P2pListen = "127.0.0.1:1", ApiListen = "http://127.0.0.1:2" };
        var identity = new NodeIdentity(config, genesis, ChainId, validators, 0, Signers[0]);
        _stage = new OutputStage(identity, Ordering.Output.OrderingState.Genesis, 0, _host, _metrics, NullLogger.Instance);
        _parent = QuorumCertificate.Genesis(Block.Genesis(ChainId).Hash);
    }

    public void Dispose() => _metrics.Dispose();

    private sealed class Host : IOutputStageHost
    {
        public List<WireFrame> Broadcasts { get; } = [];

        public List<(int Peer, WireFrame Frame)> Sent { get; } = [];

        public List<CommittedBlock> Stored { get; } = [];

        public void Broadcast(WireFrame frame) => Broadcasts.Add(frame);

        public void Send(int peer, WireFrame frame) => Sent.Add((peer, frame));

        public void StoreCertified(CommittedBlock committed, IReadOnlyList<Batch> batches) => Stored.Add(committed);

        public OutputCertificate? ReadCertificate(ulong height) => Stored.FirstOrDefault(c => c.Height == height)?.OutputCertificate;

        public List<Api.EvidenceRecord> Evidence { get; } = [];

        void IOutputStageHost.Evidence(Api.EvidenceRecord record) => Evidence.Add(record);
    }

    private CommittedBlock Commit(ulong height)
    {
        var batch = new Batch(ChainId, 1, height, [new Transaction(height % 3, BitConverter.GetBytes(height)), new Transaction(0, new byte[] { 1, 2, 3 })]);
        var block = new Block(ChainId, height, height, 1, height, _parent, null, [batch.Digest]);
        _parent = new QuorumCertificate(block.Round, block.Hash, []);
        var committed = _stage.Order(block, _parent, [batch]);
        _stage.Certify(committed, [batch]);
        return committed;
    }

    private static OutputVote Vote(int signer, CommittedBlock committed) => OutputVote.Sign(ChainId, committed.Output.Header, (ushort)signer, Signers[signer]);

    [Fact]
    public void A_committed_block_is_ordered_signed_and_certified_by_a_second_signature()
    {
        var one = Commit(1);

        var vote = Assert.IsType<OutputVoteFrame>(Assert.Single(_host.Broadcasts)).Vote;
        Assert.Equal((1UL, one.Output.Header.Hash, (ushort)0), (vote.Height, vote.HeaderHash, vote.Signer));
        Assert.Empty(_host.Stored);

        _stage.OnVote(3, Vote(3, one));

        var firm = Assert.Single(_host.Stored);
        Assert.Equal([0, 3], firm.OutputCertificate!.Signatures.Select(s => (int)s.Signer));
        Assert.Equal((1UL, 1L), (_stage.CertifiedHeight, _metrics.CertifiedHeight));
    }

    [Fact]
    public void Heights_become_firm_in_order_even_when_a_later_one_is_certified_first()
    {
        var one = Commit(1);
        var two = Commit(2);
        Assert.Equal(one.Output.Header.Hash, two.Output.Header.PreviousOutputHash);

        _stage.OnVote(2, Vote(2, two));
        Assert.Empty(_host.Stored);
        _stage.OnVote(1, Vote(1, one));

        Assert.Equal([1UL, 2UL], _host.Stored.Select(c => c.Height));
        Assert.Equal(0, _stage.UncertifiedCount);
    }

    [Fact]
    public void A_peer_voting_on_a_height_already_firm_here_gets_the_whole_certificate_unless_it_is_the_newest()
    {
        var one = Commit(1);
        _stage.OnVote(2, Vote(2, one));
        _stage.OnVote(3, Vote(3, one));
        Assert.Empty(_host.Sent); // a late vote for the newest firm height: that peer is about to certify it too

        var two = Commit(2);
        _stage.OnVote(2, Vote(2, two));
        _stage.OnVote(3, Vote(3, one)); // now height 1 is behind: the peer is lagging

        var (peer, frame) = Assert.Single(_host.Sent);
        Assert.Equal(3, peer);
        Assert.Equal(_host.Stored[0].OutputCertificate, Assert.IsType<OutputCertificateFrame>(frame).Certificate);
    }

    [Fact]
    public void Votes_for_uncertified_heights_are_sent_again_after_the_resend_interval()
    {
        Commit(1);
        _host.Broadcasts.Clear();

        _stage.OnTick(OutputStage.ResendMs);
        _stage.OnTick(OutputStage.ResendMs + 1);

        Assert.IsType<OutputVoteFrame>(Assert.Single(_host.Broadcasts));
    }

    [Fact]
    public void A_vote_on_another_output_is_counted_as_evidence_and_certifies_nothing()
    {
        var one = Commit(1);
        var other = new OutputHeader(ChainId, 1, one.Block.Hash, Hash.Zero, one.Output.Header.TransactionCount, Hash.Compute("reordered"u8));

        _stage.OnVote(2, OutputVote.Sign(ChainId, other, 2, Signers[2]));

        Assert.Empty(_host.Stored);
        Assert.Contains("fairway_output_mismatches_total 1", _metrics.Render(), StringComparison.Ordinal);
    }
}
