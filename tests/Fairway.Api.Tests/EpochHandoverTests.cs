using Fairway.Client;
using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Output;
using Fairway.Core.Validators;
using Fairway.Crypto;

namespace Fairway.Api.Tests;

/// <summary>
/// The client's side of epochs: a new set is trusted only from the last block of the newest trusted epoch, carrying the
/// change, whose output the trusted set certified. Every forgery is refused and leaves what the client trusts unchanged.
/// </summary>
public class EpochHandoverTests
{
    private static readonly Hash ChainId = Hash.Compute("epoch hand-over"u8);
    private static readonly Ed25519Signer[] Signers = [.. Enumerable.Range(0, 4).Select(i => Ed25519Signer.FromSeedPhrase($"handover-{i}"))];
    private static readonly ValidatorSet Genesis = new(Signers.Select((s, i) => new Validator($"v{i}", s.PublicKey, 1)));
    private static readonly EpochChange Change = new(7, [0, 1, 1, 1]);

    private static Block LastBlock(EpochChange? change, ulong height = 3) =>
        new(ChainId, 5, height, 0, 100, new QuorumCertificate(4, Hash.Compute("parent"u8), []), null, [],
            l1: new L1Reference(40, Hash.Compute("l1"u8)), nextEpoch: change);

    private static OutputHeader HeaderOf(Block block) => new(ChainId, block.Height, block.Hash, Hash.Compute("previous"u8), 0, Hash.Compute("root"u8));

    private static OutputCertificate Certify(OutputHeader header, params int[] signers) =>
        new(header.Height, header.Hash, [.. signers.Select(i => new SignerSignature((ushort)i, Signers[i].Sign(SigningDomain.OutputMessage(ChainId, header.Height, header.Hash))))]);

    [Fact]
    public void A_certified_last_block_hands_the_set_over_and_later_heights_are_read_with_the_new_stakes()
    {
        var epochs = new TrustedEpochs(ChainId, Genesis, Ed25519Verifier.Instance);
        var last = LastBlock(Change);
        var header = HeaderOf(last);
        var next = epochs.Adopt(last, header, Certify(header, 1, 2));

        Assert.Equal(7UL, next.Epoch);
        Assert.Equal(4UL, next.FirstHeight);
        Assert.Equal(0UL, next.Validators.StakeOf(0));
        Assert.Equal(0UL, epochs.At(3).Epoch);
        Assert.Equal(7UL, epochs.At(4).Epoch);
        Assert.Equal(7UL, epochs.At(1_000).Epoch);
        Assert.Same(next, epochs.Latest);
    }

    [Fact]
    public void Forged_hand_overs_are_refused_and_change_nothing()
    {
        var epochs = new TrustedEpochs(ChainId, Genesis, Ed25519Verifier.Instance);
        var last = LastBlock(Change);
        var header = HeaderOf(last);

        // Too little stake signed: one validator may be the faulty one.
        Assert.Throws<VerificationException>(() => epochs.Adopt(last, header, Certify(header, 1)));
        // A block without a change, or an output header of another block.
        var plain = LastBlock(null);
        Assert.Throws<VerificationException>(() => epochs.Adopt(plain, HeaderOf(plain), Certify(HeaderOf(plain), 1, 2)));
        var other = LastBlock(Change with { Stakes = [1, 0, 0, 5] });
        Assert.Throws<VerificationException>(() => epochs.Adopt(other, header, Certify(header, 1, 2)));
        // Signed by keys of no trusted validator: a set of the forger's own.
        var forger = Ed25519Signer.FromSeedPhrase("forger");
        var forged = new OutputCertificate(header.Height, header.Hash,
            [new SignerSignature(1, forger.Sign(SigningDomain.OutputMessage(ChainId, header.Height, header.Hash))), new SignerSignature(2, forger.Sign(SigningDomain.OutputMessage(ChainId, header.Height, header.Hash)))]);
        Assert.Throws<VerificationException>(() => epochs.Adopt(last, header, forged));
        // A change that does not fit the roster.
        var misfit = LastBlock(new EpochChange(7, [1, 1]));
        Assert.Throws<VerificationException>(() => epochs.Adopt(misfit, HeaderOf(misfit), Certify(HeaderOf(misfit), 1, 2)));
        Assert.Equal(1, epochs.Count);

        // Once epoch 7 is trusted, the same hand-over again is refused, and so is one certified only by a validator epoch 7
        // took the stake from (validator 0 still signs, but counts for nothing).
        epochs.Adopt(last, header, Certify(header, 1, 2));
        Assert.Throws<VerificationException>(() => epochs.Adopt(last, header, Certify(header, 1, 2)));
        var stale = LastBlock(new EpochChange(9, [1, 1, 1, 1]), height: 8);
        Assert.Throws<VerificationException>(() => epochs.Adopt(stale, HeaderOf(stale), Certify(HeaderOf(stale), 0)));
        Assert.Equal(2, epochs.Count);
        epochs.Adopt(stale, HeaderOf(stale), Certify(HeaderOf(stale), 1, 2));
        Assert.Equal(9UL, epochs.Latest.Epoch);
    }

    [Fact]
    public void A_copy_of_the_trusted_chain_with_another_set_does_not_inherit_the_epochs_the_original_followed()
    {
        var trust = new TrustedChain(ChainId, Genesis, Ed25519Verifier.Instance);
        var last = LastBlock(Change);
        trust.Epochs.Adopt(last, HeaderOf(last), Certify(HeaderOf(last), 1, 2));

        var sameGenesis = trust with { DefaultPolicy = "fair" };
        Assert.Same(trust.Epochs, sameGenesis.Epochs);

        var stranger = Ed25519Signer.FromSeedPhrase("a stranger");
        var otherSet = trust with { Validators = new ValidatorSet([new Validator("stranger", stranger.PublicKey, 1)]) };
        Assert.Equal(1, otherSet.Epochs.Count);
        Assert.Same(otherSet.Validators, otherSet.Epochs.Latest.Validators);
        var otherChain = trust with { ChainId = Hash.Compute("another chain"u8) };
        Assert.Equal(0UL, otherChain.Epochs.Latest.Epoch);
        Assert.Equal(7UL, trust.Epochs.Latest.Epoch);
    }
}
