namespace Fairway.Settlement.Tests;

/// What the pool keeps as evidence is what the light client slashes on, and only once.
public sealed class ConflictEvidenceTests(LibraryL1 l1) : IClassFixture<LibraryL1>
{
    [Fact]
    public async Task A_conflict_from_the_pool_slashes_its_validator_once_on_the_L1()
    {
        var key = await LibraryL1.RegisterValidatorAsync(l1.Dev, l1.Contracts.Addresses);
        var domain = new SettlementDomain(l1.Dev.ChainId, l1.Contracts.Addresses.LightClient, 10);
        var parent = new byte[32];
        Attestation Sign(byte[] output) => new(10, parent, output, key.Sign(SettlementStatement.Create(domain, 10, parent, output).Digest));
        var honest = Sign(L1.Random32());
        var pool = new AttestationPool(domain);
        Assert.Equal(AttestationResult.Added, pool.Add(honest));
        Assert.Equal(AttestationResult.Duplicate, pool.Add(honest));

        // Control: a repeated statement is no evidence for the pool, nor for the L1.
        var notConflicting = await Assert.ThrowsAsync<L1Exception>(() => l1.Contracts.SlashConflictingHeadersAsync(
            10, honest.Parent, honest.OutputHash, honest.Signature, honest.Parent, honest.OutputHash, honest.Signature));
        Assert.Contains("NotConflicting", notConflicting.Message, StringComparison.Ordinal);
        Assert.Empty(pool.TakeConflicts());

        Assert.Equal(AttestationResult.Conflict, pool.Add(Sign(L1.Random32())));
        var c = Assert.Single(pool.TakeConflicts());
        Assert.Equal(key.Address, c.Signer);
        await l1.Contracts.SlashConflictingHeadersAsync(
            c.First.Height, c.First.Parent, c.First.OutputHash, c.First.Signature, c.Second.Parent, c.Second.OutputHash, c.Second.Signature);

        var head = await l1.Dev.BlockNumberAsync();
        var snapshot = await l1.Contracts.SnapshotAsync(head, (await l1.Dev.BlockHashAsync(head))!);
        Assert.True(Assert.Single(snapshot.Validators, v => v.SettlementKey == key.Address).Jailed);

        // The same pair, in either order, is spent: why the pool hands each conflict out only once.
        var again = await Assert.ThrowsAsync<L1Exception>(() => l1.Contracts.SlashConflictingHeadersAsync(
            c.First.Height, c.Second.Parent, c.Second.OutputHash, c.Second.Signature, c.First.Parent, c.First.OutputHash, c.First.Signature));
        Assert.Contains("EvidenceAlreadyUsed", again.Message, StringComparison.Ordinal);
    }
}
