using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fairway.Chaos.Schedule;
using Fairway.Cli.Chaos;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway chaos</c>: a reproducible fault campaign against a fresh local network of real validator processes under
/// load, ending in a verdict from the history checker.
/// </summary>
internal static class ChaosCommand
{
    public const int ValidatorsMax = 10;
    public const double MinutesMax = 600;
    public const int RateMax = 5_000;

    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = $"validators in the local network (4..{ValidatorsMax}: at least 4, so one may be faulty)", DefaultValueFactory = _ => 4 };
        var minutes = new Option<double>("--minutes") { Description = $"length of the campaign in minutes (up to {MinutesMax}); it must fit one fault of each kind asked for", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "seed of the fault schedule: the same seed gives the same faults, in the same order, on the same validators", DefaultValueFactory = _ => 1 };
        var faults = new Option<string>("--faults")
        {
            Description = "fault kinds, comma-separated: partition, delay, loss, kill, pause, disk, clock",
            DefaultValueFactory = _ => string.Join(',', FaultKinds.All.Select(FaultKinds.Name)),
        };
        var rate = new Option<int>("--rate") { Description = $"transactions per second the clients submit (1..{RateMax})", DefaultValueFactory = _ => 100 };
        var netns = new Option<bool>("--netns")
        {
            Description = "also run each validator in its own network namespace on a bridge and make partitions with iptables rules (needs root, ip and iptables; without them the campaign says why and runs on loopback)",
        };
        var json = new Option<bool>("--json") { Description = "print the verdict as one JSON object" };
        var output = new Option<string?>("--out") { Description = "directory for chaos.json, chaos.md, history.jsonl, throughput.png/.svg and the network's logs" };
        var command = new Command("chaos", """
            run a fault campaign against a fresh local network of validator processes under load, and check the history.
            Every link between two validators goes through a fault-injecting TCP proxy (delay, jitter, bandwidth, cut
            connections, stalls, partitions); validators are killed (SIGKILL), paused (SIGSTOP), restarted, and all
            restarted at once; a validator's data directory (on its own tmpfs: needs root) is filled up; its clock jumps.
            Clients submit through the SDK to every validator and record each answer; every validator's stream is
            followed; at the end every validator's output is read and the checker looks for lost, duplicated or moved
            transactions, diverging outputs, stream gaps and stalls after heals. Exit code 0: no finding; 1: findings.
            """)
        {
            validators, minutes, seed, faults, rate, json, output, netns,
        };
        command.SetAction(async (result, ct) =>
        {
            IReadOnlyList<FaultKind> kinds;
            try
            {
                kinds = FaultKinds.Parse(result.GetValue(faults) ?? "");
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"fairway chaos: --faults: {e.Message}");
                return 2;
            }

            var options = new ChaosOptions(result.GetValue(validators), result.GetValue(minutes), result.GetValue(seed), kinds, result.GetValue(rate), result.GetValue(output))
            {
                Netns = result.GetValue(netns),
            };
            if (Validate(options) is { } error)
            {
                Console.Error.WriteLine($"fairway chaos: {error}");
                return 2;
            }

            IReadOnlyList<PlannedFault> plan;
            try
            {
                plan = FaultSchedule.Plan(options.Seed, options.Validators, options.DurationMs, kinds, options.Schedule);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"fairway chaos: --minutes: {e.Message.Split(" (Parameter", 2)[0]}");
                return 2;
            }

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            void Interrupt(PosixSignalContext c)
            {
                // Stop the campaign, heal, stop the validators and unmount their disks: never leave them behind.
                c.Cancel = true;
                cancel.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            Console.Error.WriteLine($"fairway chaos: {plan.Count} faults planned (seed {options.Seed}):");
            foreach (var fault in plan)
            {
                Console.Error.WriteLine($"  {fault.Describe()}");
            }

            ChaosOutcome outcome;
            try
            {
                outcome = await ChaosRunner.RunAsync(options, plan, Console.Error, cancel.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
            {
                Console.Error.WriteLine($"fairway chaos: {e.Message}");
                return 2;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine("fairway chaos: interrupted; the validators were stopped and their disks unmounted, no verdict");
                return 130;
            }

            if (options.OutDir is { } dir)
            {
                ChaosReport.Write(outcome, dir);
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(ChaosReport.ToJson(outcome, options.OutDir).ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            }
            else
            {
                Console.Write(ChaosReport.Markdown(outcome));
            }

            return ChaosReport.Passed(outcome) ? 0 : 1;
        });
        return command;
    }

    internal static string? Validate(ChaosOptions options) =>
        options.Validators is < 4 or > ValidatorsMax ? $"--validators must be between 4 and {ValidatorsMax}"
        : !double.IsFinite(options.Minutes) || options.Minutes <= 0 || options.Minutes > MinutesMax ? string.Create(CultureInfo.InvariantCulture, $"--minutes must be above 0 and at most {MinutesMax}")
        : options.Rate is < 1 or > RateMax ? $"--rate must be between 1 and {RateMax}"
        : null;
}
