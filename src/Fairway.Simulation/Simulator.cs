using Fairway.Crypto;

namespace Fairway.Simulation;

/// <summary>Runs seeded simulations of a validator network and reports what broke.</summary>
public static class Simulator
{
    public static SimulationResult Run(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var run = options.RealCrypto
            ? new SimulationRun(options, name => Ed25519Signer.FromSeedPhrase("fairway-sim:" + name), Ed25519Verifier.Instance)
            : new SimulationRun(options, KeyedHashSigner.FromName, KeyedHashVerifier.Instance);
        try
        {
            return run.Execute();
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("consensus invariant broken", StringComparison.Ordinal))
        {
            // The engine's own assertion fired: report it against the seed like any other broken invariant.
            return new SimulationResult
            {
                Seed = options.Seed,
                SafetyViolations = [e.Message],
                DoubleSigns = 0,
                EvidenceDetected = 0,
                CommittedBlocks = [],
                RoundsReached = 0,
                Ticks = 0,
                MessagesDelivered = 0,
                Crashes = 0,
                Partitions = 0,
            };
        }
    }
}
