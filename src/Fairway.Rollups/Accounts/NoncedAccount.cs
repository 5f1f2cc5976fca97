namespace Fairway.Rollups.Accounts;

/// <summary>What every demo rollup keeps per account besides its balances: the next nonce, and whether it drew the faucet.</summary>
public abstract class NoncedAccount
{
    /// <summary>The nonce its next transaction must carry.</summary>
    public ulong Nonce { get; internal set; }

    public bool Fauceted { get; internal set; }
}
