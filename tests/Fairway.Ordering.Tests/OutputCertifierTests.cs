using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Crypto;
using Fairway.Ordering.Output;

namespace Fairway.Ordering.Tests;

/// <summary>The f+1 output certifier with real Ed25519 keys: 4 validators of equal stake, so 2 signatures certify.</summary>
public class OutputCertifierTests
{
    private static readonly Hash ChainId = Hash.Compute("certifier tests"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"certifier-{i}"))];
    private static readonly ValidatorSet Validators = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));

    private static OutputCertifier Certifier(int self = 0) => new(ChainId, Validators, self, Signers[self], Ed25519Verifier.Instance);

    private static OutputHeader Header(ulong height, string root = "root") =>
        new(ChainId, height, Hash.Compute(BitConverter.GetBytes(height)), Hash.Zero, 3, Hash.Compute(System.Text.Encoding.UTF8.GetBytes(root)));

    private static OutputVote Vote(int signer, OutputHeader header) => OutputVote.Sign(ChainId, header, (ushort)signer, Signers[signer]);

    [Fact]
    public void A_height_is_certified_once_votes_on_the_local_header_exceed_the_faulty_stake()
    {
        var certifier = Certifier();
        var header = Header(1);

        var own = certifier.OnLocalOutput(header);
        Assert.Single(own.OfType<BroadcastOutputVote>());
        Assert.Empty(own.OfType<OutputCertified>());

        var events = certifier.OnVote(2, Vote(2, header));
        var certified = Assert.Single(events.OfType<OutputCertified>());
        Assert.Equal([0, 2], certified.Certificate.Signatures.Select(s => (int)s.Signer));
        Assert.True(new OutputCertificateVerifier(ChainId, Validators, Ed25519Verifier.Instance).Verify(header, certified.Certificate, out var reason), reason);
        Assert.Equal(0, certifier.HeightsHeld);
    }

    [Fact]
    public void Votes_that_arrive_before_the_local_output_count_once_it_is_computed()
    {
        var certifier = Certifier();
        certifier.OnLocalOutput(Header(1));
        Assert.Empty(certifier.OnVote(1, Vote(1, Header(2))));

        var events = certifier.OnLocalOutput(Header(2));

        Assert.Single(events.OfType<OutputCertified>());
    }

    [Fact]
    public void Votes_for_another_header_never_certify_and_are_reported_as_evidence()
    {
        var certifier = Certifier();
        var header = Header(1);
        var wrong = Header(1, "another order");
        certifier.OnLocalOutput(header);

        var events = certifier.OnVote(1, Vote(1, wrong)).Concat(certifier.OnVote(3, Vote(3, wrong))).ToList();

        Assert.Empty(events.OfType<OutputCertified>());
        Assert.Equal([1, 3], events.OfType<OutputMismatch>().Select(m => m.Validator));
        Assert.Single(certifier.OnVote(2, Vote(2, header)).OfType<OutputCertified>());
    }

    [Fact]
    public void A_validator_that_signs_two_headers_for_one_height_is_reported()
    {
        var certifier = Certifier();
        certifier.OnLocalOutput(Header(1));
        certifier.OnVote(1, Vote(1, Header(2)));

        var events = certifier.OnVote(1, Vote(1, Header(2, "second opinion")));

        var mismatch = Assert.Single(events.OfType<OutputMismatch>());
        Assert.Equal((2UL, 1), (mismatch.Height, mismatch.Validator));
    }

    [Fact]
    public void Bad_votes_are_refused_before_they_are_kept()
    {
        var certifier = Certifier();
        var header = Header(1);
        certifier.OnLocalOutput(header);
        var forged = Vote(2, header) with { Signature = Vote(3, header).Signature };

        Assert.IsType<OutputVoteRefused>(Assert.Single(certifier.OnVote(2, forged)));
        Assert.IsType<OutputVoteRefused>(Assert.Single(certifier.OnVote(3, Vote(2, header)))); // relayed by another peer
        Assert.IsType<OutputVoteRefused>(Assert.Single(certifier.OnVote(2, Vote(2, Header(1 + OutputCertifier.HeightsAheadMax + 1)))));
        Assert.IsType<OutputVoteRefused>(Assert.Single(certifier.OnVote(9, Vote(2, header))));
        Assert.Equal(1, certifier.HeightsHeld);
    }

    [Fact]
    public void A_whole_certificate_from_a_peer_certifies_only_the_local_header()
    {
        var lagging = Certifier(0);
        var header = Header(1);
        lagging.OnLocalOutput(header);
        var certificate = new OutputCertificate(1, header.Hash, [new(1, Vote(1, header).Signature), new(2, Vote(2, header).Signature)]);
        var wrong = Header(1, "other");
        var wrongCertificate = new OutputCertificate(1, wrong.Hash, [new(1, Vote(1, wrong).Signature), new(2, Vote(2, wrong).Signature)]);

        Assert.IsType<OutputVoteRefused>(Assert.Single(lagging.OnCertificate(1, wrongCertificate)));
        Assert.Single(lagging.OnCertificate(1, certificate).OfType<OutputCertified>());
        Assert.Empty(lagging.OnCertificate(1, certificate));
    }

    [Fact]
    public void Uncertified_heights_far_behind_the_local_output_are_forgotten()
    {
        var certifier = Certifier();
        for (var h = 1UL; h <= OutputCertifier.HeightsBehindMax + 10; h++)
        {
            certifier.OnLocalOutput(Header(h));
        }

        Assert.True(certifier.HeightsHeld <= OutputCertifier.HeightsBehindMax + 1, $"{certifier.HeightsHeld} heights held");
    }

    [Fact]
    public void Local_outputs_must_come_in_height_order()
    {
        var certifier = Certifier();
        certifier.OnLocalOutput(Header(4));

        Assert.Throws<ArgumentException>(() => certifier.OnLocalOutput(Header(6)));
        Assert.Single(certifier.OnLocalOutput(Header(5)).OfType<BroadcastOutputVote>());
    }
}
