using Fairway.Consensus.Engine;

namespace Fairway.Storage;

/// <summary>
/// Where a validator keeps its consensus safety state. <see cref="Save"/> returns only once the state is durable
/// (file and directory fsynced): the host sends the vote or timeout that depends on it only after that.
/// </summary>
public interface ISafetyStore
{
    /// <summary>The last saved state, or null on a fresh validator.</summary>
    SafetyState? Load();

    void Save(SafetyState state);
}
