using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Node.Wire;

namespace Fairway.Node.Tests;

public class WireFrameTests
{
    private static readonly Hash Chain = Hash.Compute("wire"u8);

    [Fact]
    public void Batch_frames_round_trip()
    {
        var batch = new Batch(Chain, 2, 9, [new Transaction(5, "hello"u8.ToArray()), new Transaction(6, new byte[600])]);
        var frames = new WireFrame[]
        {
            new BatchFrame(batch),
            new BatchRequestFrame([batch.Digest, Hash.Zero]),
            new BatchResponseFrame([batch]),
        };

        foreach (var frame in frames)
        {
            var bytes = WireFrame.Encode(frame);
            Assert.Equal(bytes, WireFrame.Encode(WireFrame.Decode(bytes)));
        }

        Assert.Equal(batch.Digest, ((BatchFrame)WireFrame.Decode(WireFrame.Encode(frames[0]))).Batch.Digest);
    }

    [Fact]
    public void Fair_evidence_frames_round_trip_and_a_truncated_one_is_an_encoding_error()
    {
        var signer = Crypto.Ed25519Signer.FromSeedPhrase("wire-evidence");
        Core.Inclusion.CandidateList List(string tx) => Core.Inclusion.CandidateList.Sign(
            Chain, 4, 1, 1_000, 0, [new Core.Inclusion.CandidateEntry(Hash.Compute(System.Text.Encoding.UTF8.GetBytes(tx)), 900, Hash.Zero)], signer);
        var evidence = new[]
        {
            Core.Inclusion.FairEvidence.Conflicting(List("a"), List("b")),
            Core.Inclusion.FairEvidence.Censorship(new Core.Inclusion.SignedReceipt(Hash.Compute("v"u8), 1, 10, signer.Sign("x"u8)), List("c")),
        };

        foreach (var item in evidence)
        {
            var bytes = WireFrame.Encode(new FairEvidenceFrame(item));
            Assert.Equal(item.Id, ((FairEvidenceFrame)WireFrame.Decode(bytes)).Evidence.Id);
            Assert.Throws<EncodingException>(() => WireFrame.Decode(bytes[..^1]));
        }
    }

    [Fact]
    public void Consensus_evidence_frames_round_trip_and_a_truncated_one_is_an_encoding_error()
    {
        var signer = Crypto.Ed25519Signer.FromSeedPhrase("wire-consensus-evidence");
        Consensus.Messages.VoteMessage Vote(string block)
        {
            var hash = Hash.Compute(System.Text.Encoding.UTF8.GetBytes(block));
            return new Consensus.Messages.VoteMessage(7, hash, 3, signer.Sign(SigningDomain.VoteMessage(Chain, 7, hash)));
        }

        var evidence = new Consensus.Engine.Evidence(Consensus.Engine.EvidenceKind.ConflictingVotes, 3, 7, Vote("a"), Vote("b"));
        var bytes = WireFrame.Encode(new ConsensusEvidenceFrame(evidence));

        var decoded = Assert.IsType<ConsensusEvidenceFrame>(WireFrame.Decode(bytes)).Evidence;
        Assert.Equal((evidence.Kind, evidence.Validator, evidence.Round), (decoded.Kind, decoded.Validator, decoded.Round));
        Assert.Equal(bytes, WireFrame.Encode(new ConsensusEvidenceFrame(decoded)));
        Assert.Throws<EncodingException>(() => WireFrame.Decode(bytes[..^1]));
        Assert.Throws<EncodingException>(() => WireFrame.Decode([.. bytes, 0]));
    }

    [Fact]
    public void Garbage_frames_only_ever_raise_encoding_errors()
    {
        var random = new Random(3);
        var valid = WireFrame.Encode(new BatchFrame(new Batch(Chain, 1, 1, [new Transaction(1, new byte[40])])));
        for (var i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = valid.ToArray();
                bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
            }

            try
            {
                WireFrame.Decode(bytes);
            }
            catch (EncodingException)
            {
            }
        }
    }
}
