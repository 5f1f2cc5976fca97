using Fairway.Core.Crypto;

namespace Fairway.Simulation;

/// <summary>Runs seeded simulations of a validator network and reports what broke.</summary>
public static class Simulator
{
    public static SimulationResult Run(SimulationOptions options, Func<string, ISigner>? realSignerFactory = null, ISignatureVerifier? realVerifier = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.RealCrypto && (realSignerFactory is null || realVerifier is null))
        {
            throw new ArgumentException("real crypto needs a signer factory and a verifier");
        }

        var run = options.RealCrypto
            ? new SimulationRun(options, realSignerFactory!, realVerifier!)
            : new SimulationRun(options, KeyedHashSigner.FromName, KeyedHashVerifier.Instance);
        return run.Execute();
    }
}
