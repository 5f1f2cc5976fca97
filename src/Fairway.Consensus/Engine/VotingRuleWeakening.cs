namespace Fairway.Consensus.Engine;

/// <summary>Deliberate flaws in the voting rule, for tests that show the simulator detects unsafe consensus.</summary>
public enum VotingRuleWeakening
{
    /// <summary>The real rule.</summary>
    None,

    /// <summary>Vote for every valid proposal of the current round, even a second one.</summary>
    VoteForAnything,
}
