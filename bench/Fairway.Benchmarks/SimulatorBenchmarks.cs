using BenchmarkDotNet.Attributes;
using Fairway.Crypto;
using Fairway.Simulation;

namespace Fairway.Benchmarks;

/// <summary>
/// A whole deterministic simulation: 4 honest nodes, 100 rounds, no loss, duplication, partitions or crashes.
/// The run goes a little past 100 rounds: after the fault phase it waits for every node to commit 5 more blocks.
/// Rounds per second = <see cref="RoundsReached"/> / mean time; the rounds reached are printed in setup.
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private SimulationOptions _options = null!;

    [Params(false, true)]
    public bool RealCrypto { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new SimulationOptions
        {
            Nodes = 4,
            Rounds = 100,
            Seed = 1,
            DuplicateProbability = 0,
            RealCrypto = RealCrypto,
        };
        var result = Run();
        if (result.Failed)
        {
            throw new InvalidOperationException("the simulation failed: " + (result.LivenessFailure ?? string.Join("; ", result.SafetyViolations)));
        }

        Console.WriteLine($"// simulator: real crypto {RealCrypto}, rounds reached {result.RoundsReached}, ticks {result.Ticks}, "
            + $"messages {result.MessagesDelivered}, committed {string.Join(",", result.CommittedBlocks)}");
    }

    [Benchmark(Description = "Simulator.Run, 4 nodes, 100 rounds, no faults")]
    public ulong Simulate() => Run().RoundsReached;

    private SimulationResult Run() => Simulator.Run(_options);
}
