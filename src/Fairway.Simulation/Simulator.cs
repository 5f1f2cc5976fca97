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
        return run.Execute();
    }
}
