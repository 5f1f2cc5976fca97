using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fairway.Simulation;

namespace Fairway.Cli.Commands;

/// <summary><c>fairway sim</c>: deterministic simulation of the consensus core under faults, many seeds at once.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "validators in the simulated network", DefaultValueFactory = _ => 4 };
        var seed = new Option<ulong>("--seed") { Description = "first seed", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "how many consecutive seeds to run", DefaultValueFactory = _ => 1 };
        var rounds = new Option<int>("--rounds") { Description = "rounds in the fault phase of each run", DefaultValueFactory = _ => 300 };
        var byzantine = new Option<string>("--byzantine")
        {
            Description = "none | equivocating-leader | twins | silent | delay | withhold-batches | wrong-output | front-runner | censor | bad-shares (needs --policy encrypted) | stake-grab (needs --epoch-changes) | censor-inbox (never includes L1 inbox entries when it leads; turns the simulated L1 inbox on) | reorder-express (needs --policy auction: leaves the express lane's bundles out of its lists and batches, reverses its proposals)",
            DefaultValueFactory = _ => "none",
        };
        byzantine.AcceptOnlyFromAmong(Enum.GetValues<ByzantineKind>().Select(k => k.ToCliName()).ToArray());
        var faulty = new Option<int>("--faulty") { Description = "validators that misbehave (for twins: keys run twice)", DefaultValueFactory = _ => 0 };
        var loss = new Option<double>("--loss") { Description = "chance a message is lost during the fault phase", DefaultValueFactory = _ => 0 };
        var partition = new Option<double>("--partition-prob") { Description = "chance per fault interval that the network splits", DefaultValueFactory = _ => 0 };
        var crash = new Option<double>("--crash-prob") { Description = "chance per fault interval that an honest node crashes", DefaultValueFactory = _ => 0 };
        var crashed = new Option<int>("--crashed") { Description = "validators down for the whole run (honest, never started)", DefaultValueFactory = _ => 0 };
        var reputation = new Option<int>("--reputation-window")
        {
            Description = "blocks of history that decide who may lead; 0 turns leader reputation off (for comparison)",
            DefaultValueFactory = _ => new Fairway.Consensus.Engine.ConsensusConfig().LeaderReputationWindowBlocks,
        };
        var transactionsPerRound = new Option<int>("--transactions-per-round")
        {
            Description = "client transactions per round across the network (during the fault phase), batched by the hosts that receive them",
            DefaultValueFactory = _ => new SimulationOptions().TransactionsPerRound,
        };
        var clockSkew = new Option<int>("--clock-skew-ms") { Description = "each honest host's clock is off by a seeded amount in [-N, +N] ms", DefaultValueFactory = _ => 0 };
        var policy = new Option<string>("--policy")
        {
            Description = "ordering policy of every simulated namespace: fcfs (the leader's order) | fair (candidate lists, median receive time) | encrypted (sealed to a threshold key, ordered as fair, decrypted after commit) | auction (an express-lane auction per namespace and epoch: sealed bids, the winner's bundles first in sequence order, the rest as fair, the price rebated to users)",
            DefaultValueFactory = _ => "fcfs",
        };
        var bundleFraction = new Option<double>("--bundle-fraction")
        {
            Description = "fraction of submissions that are atomic bundles of 2 to 4 legs over the namespaces (fcfs or fair), each output checked to hold a bundle whole or not at all",
            DefaultValueFactory = _ => 0,
        };
        var epochChanges = new Option<int>("--epoch-changes")
        {
            Description = "stake changes over the run (a simulated stake table, --policy fcfs): each ends an epoch and the validators switch sets",
            DefaultValueFactory = _ => 0,
        };
        var inboxPosts = new Option<int?>("--inbox-posts")
        {
            Description = $"entries users post to a simulated L1 inbox during the fault phase (default 0, or {SimulationOptions.CensorInboxPostsDefault} with --byzantine censor-inbox); any turns the simulated L1 on",
        };
        var l1BlockMs = new Option<int>("--l1-block-ms") { Description = "simulated ms per block of the simulated L1", DefaultValueFactory = _ => new SimulationOptions().L1BlockMs };
        var inboxDeadline = new Option<int>("--inbox-deadline")
        {
            Description = "D: an inbox entry posted in L1 block n must be included by L1 block n + D",
            DefaultValueFactory = _ => new SimulationOptions().InboxDeadlineBlocks,
        };
        var l1Confirmations = new Option<int>("--l1-confirmations")
        {
            Description = "L1 blocks on top of a post before validators' watchers take it as final",
            DefaultValueFactory = _ => new SimulationOptions().L1Confirmations,
        };
        var l1Lag = new Option<int>("--l1-lag-ms")
        {
            Description = "each validator's L1 watcher sees the L1 a seeded [0, N] ms late (below one L1 block)",
            DefaultValueFactory = _ => new SimulationOptions().L1LagMsMax,
        };
        var auctionEpochMs = new Option<ulong>("--auction-epoch-ms")
        {
            Description = "--policy auction: length of an auction epoch in block time (bids for the next epoch are sealed during each one)",
            DefaultValueFactory = _ => new SimulationOptions().AuctionEpochMs,
        };
        var auctionReserve = new Option<ulong>("--auction-reserve")
        {
            Description = "--policy auction: the lowest bid that counts",
            DefaultValueFactory = _ => new SimulationOptions().AuctionReservePrice,
        };
        var auctionBidders = new Option<int>("--auction-bidders")
        {
            Description = "--policy auction: simulated bidders, each bidding in every epoch for the next",
            DefaultValueFactory = _ => new SimulationOptions().AuctionBidders,
        };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var realCrypto = new Option<bool>("--real-crypto") { Description = "sign with Ed25519 instead of the fast simulation scheme" };

        var command = new Command("sim", "run the deterministic consensus simulator over many seeds; exit 1 if any invariant broke")
        {
            nodes, seed, seeds, rounds, byzantine, faulty, crashed, reputation, loss, partition, crash, json, realCrypto,
            transactionsPerRound, clockSkew, policy, bundleFraction, epochChanges, inboxPosts, l1BlockMs, inboxDeadline, l1Confirmations, l1Lag,
            auctionEpochMs, auctionReserve, auctionBidders,
        };
        command.SetAction(result =>
        {
            ByzantineKindNames.TryParse(result.GetValue(byzantine), out var kind);
            var options = new SimulationOptions
            {
                Nodes = result.GetValue(nodes),
                Seed = result.GetValue(seed),
                Rounds = result.GetValue(rounds),
                Byzantine = kind,
                Faulty = result.GetValue(faulty),
                Crashed = result.GetValue(crashed),
                Loss = result.GetValue(loss),
                PartitionProbability = result.GetValue(partition),
                CrashProbability = result.GetValue(crash),
                RealCrypto = result.GetValue(realCrypto),
                TransactionsPerRound = result.GetValue(transactionsPerRound),
                ClockSkewMs = result.GetValue(clockSkew),
                Policy = result.GetValue(policy) ?? "fcfs",
                BundleFraction = result.GetValue(bundleFraction),
                EpochChanges = result.GetValue(epochChanges),
                InboxPosts = result.GetValue(inboxPosts),
                L1BlockMs = result.GetValue(l1BlockMs),
                InboxDeadlineBlocks = result.GetValue(inboxDeadline),
                L1Confirmations = result.GetValue(l1Confirmations),
                L1LagMsMax = result.GetValue(l1Lag),
                AuctionEpochMs = result.GetValue(auctionEpochMs),
                AuctionReservePrice = result.GetValue(auctionReserve),
                AuctionBidders = result.GetValue(auctionBidders),
                Consensus = new Fairway.Consensus.Engine.ConsensusConfig { LeaderReputationWindowBlocks = result.GetValue(reputation) },
            };
            var seedCount = result.GetValue(seeds);
            try
            {
                options.Validate();
                if (options.Consensus.LeaderReputationWindowBlocks is < 0 or > 1_000)
                {
                    throw new ArgumentException("--reputation-window must be between 0 and 1000");
                }

                if (seedCount < 1)
                {
                    throw new ArgumentException("--seeds must be at least 1");
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"fairway sim: {e.Message}");
                return 2;
            }

            var report = SimulationBatch.Run(options, seedCount);
            foreach (var failed in report.Results.Where(r => r.Failed))
            {
                Console.Error.WriteLine($"FAIL seed {failed.Seed}: {Describe(failed)}  (replay: fairway sim --seed {failed.Seed} --seeds 1 ...)");
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(ToJson(options, report), JsonOptions));
            }
            else
            {
                PrintSummary(options, report);
            }

            return report.Passed ? 0 : 1;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string Describe(SimulationResult r)
    {
        var parts = r.SafetyViolations.Concat(r.DoubleSignReports).ToList();
        if (r.LivenessFailure is not null)
        {
            parts.Add(r.LivenessFailure);
        }

        return string.Join("; ", parts.Take(3)) + (parts.Count > 3 ? $" (+{parts.Count - 3} more)" : "");
    }

    private static object ToJson(SimulationOptions o, BatchReport r) => new
    {
        seeds_run = r.SeedsRun,
        safety_violations = r.SafetyViolations,
        liveness_failures = r.LivenessFailures,
        double_signs = r.DoubleSigns,
        evidence_detected = r.EvidenceDetected,
        committed_blocks_min = r.CommittedBlocksMin,
        committed_blocks_max = r.CommittedBlocksMax,
        failing_seeds = r.FailingSeeds,
        nodes = o.Nodes,
        byzantine = o.Byzantine.ToCliName(),
        faulty = o.Faulty,
        crashed = o.Crashed,
        reputation_window = o.Consensus.LeaderReputationWindowBlocks,
        blocks_per_simulated_second = Math.Round(r.BlocksPerSimulatedSecond, 2),
        timeouts = r.Timeouts,
        commit_latency_p50_ms = r.CommitLatencyP50Ms,
        commit_latency_p99_ms = r.CommitLatencyP99Ms,
        base_timeout_ms = o.Consensus.TimeoutBaseTicks * o.TickMs,
        tick_ms = o.TickMs,
        rounds = o.Rounds,
        loss = o.Loss,
        partition_prob = o.PartitionProbability,
        crash_prob = o.CrashProbability,
        first_seed = o.Seed,
        rounds_total = r.RoundsTotal,
        wall_seconds = Math.Round(r.WallSeconds, 3),
        rounds_per_second = Math.Round(r.RoundsPerSecond, 1),
        crashes = r.Results.Sum(x => x.Crashes),
        partitions = r.Results.Sum(x => x.Partitions),
        transactions_per_round = o.TransactionsPerRound,
        clock_skew_ms = o.ClockSkewMs,
        policy = o.Policy,
        bundle_fraction = o.BundleFraction,
        bundles_submitted = r.BundlesSubmitted,
        bundles_output = r.BundlesOutput,
        transactions_submitted = r.TransactionsSubmitted,
        transactions_committed = r.TransactionsCommitted,
        transactions_repeated = r.TransactionsRepeated,
        transactions_pending = r.TransactionsPending,
        transactions_lost = r.TransactionsLost,
        outputs_certified = r.OutputsCertified,
        outputs_mismatched = r.OutputsMismatched,
        output_evidence = r.OutputEvidence,
        block_timestamp_regressions = r.BlockTimestampRegressions,
        fairness_violations = r.FairnessViolations,
        front_runs_tried = r.FrontRunsTried,
        front_runs_succeeded = r.FrontRunsSucceeded,
        censored = r.Censored,
        censorship_evidence = r.CensorshipEvidence,
        false_censorship_evidence = r.FalseCensorshipEvidence,
        fair_refusals = r.FairRefusals,
        ciphertexts_submitted = r.CiphertextsSubmitted,
        ciphertexts_decrypted = r.CiphertextsDecrypted,
        undecrypted = r.Undecrypted,
        plaintext_seen_before_commit = r.PlaintextSeenBeforeCommit,
        bad_share_evidence = r.BadShareEvidence,
        epoch_changes = o.EpochChanges,
        epochs_reached_min = r.EpochsReachedMin,
        inbox_posts = o.InboxPosts ?? (o.Byzantine == ByzantineKind.CensorInbox ? SimulationOptions.CensorInboxPostsDefault : 0),
        l1_block_ms = o.L1BlockMs,
        inbox_deadline_blocks = o.InboxDeadlineBlocks,
        l1_confirmations = o.L1Confirmations,
        l1_lag_ms = o.L1LagMsMax,
        inbox_posted = r.InboxPosted,
        inbox_included = r.InboxIncluded,
        inbox_late = r.InboxLate,
        inbox_missing = r.InboxMissing,
        inbox_pending = r.InboxPending,
        inbox_delay_p50_ms = r.InboxDelayP50Ms,
        inbox_delay_max_ms = r.InboxDelayMaxMs,
        inbox_refusals = r.InboxRefusals,
        inbox_refusals_of_honest_leaders = r.InboxRefusalsOfHonestLeaders,
        auction_epoch_ms = o.AuctionEpochMs,
        auction_reserve = o.AuctionReservePrice,
        auction_bidders = o.AuctionBidders,
        auction_epochs = r.AuctionEpochs,
        auction_won = r.AuctionWon,
        auction_price_total = r.AuctionPriceTotal,
        auction_settled_price_total = r.AuctionSettledPriceTotal,
        auction_rebates_total = r.AuctionRebatesTotal,
        auction_bids_submitted = r.AuctionBidsSubmitted,
        auction_bids_counted = r.AuctionBidsCounted,
        auction_bids_late = r.AuctionBidsLate,
        express_bundles_submitted = r.ExpressBundlesSubmitted,
        express_bundles_output = r.ExpressBundlesOutput,
        express_bundles_out_of_order = r.ExpressBundlesOutOfOrder,
    };

    private static void PrintSummary(SimulationOptions o, BatchReport r)
    {
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"{r.SeedsRun} seeds, {o.Nodes} nodes, byzantine={o.Byzantine.ToCliName()} faulty={o.Faulty}, loss={o.Loss} partition-prob={o.PartitionProbability} crash-prob={o.CrashProbability}"));
        Console.WriteLine(string.Create(ci, $"  safety violations: {r.SafetyViolations}   liveness failures: {r.LivenessFailures}   double signs: {r.DoubleSigns}   evidence detected: {r.EvidenceDetected}"));
        Console.WriteLine(string.Create(ci, $"  committed blocks per honest node: min {r.CommittedBlocksMin}, max {r.CommittedBlocksMax}"));
        Console.WriteLine(string.Create(ci, $"  crashed for the whole run: {o.Crashed}   {r.BlocksPerSimulatedSecond:F1} blocks per simulated second after warm-up   {r.Timeouts} rounds ended by timeout   commit latency p50 {r.CommitLatencyP50Ms} ms, p99 {r.CommitLatencyP99Ms} ms"));
        Console.WriteLine(string.Create(ci, $"  transactions: {r.TransactionsSubmitted} submitted, {r.TransactionsCommitted} in certified outputs, {r.TransactionsPending} pending ({r.TransactionsLost} lost with crashed pools)   outputs certified: {r.OutputsCertified}   mismatched: {r.OutputsMismatched}   output evidence: {r.OutputEvidence}"));
        Console.WriteLine(string.Create(ci, $"  fairness violations: {r.FairnessViolations}   front-runs succeeded: {r.FrontRunsSucceeded} of {r.FrontRunsTried} tried   censored: {r.Censored}   censorship evidence: {r.CensorshipEvidence} (false: {r.FalseCensorshipEvidence})"));
        if (o.Policy == "auction")
        {
            Console.WriteLine(string.Create(ci, $"  auction: {r.AuctionEpochs} epochs decided, {r.AuctionWon} won, prices {r.AuctionPriceTotal} (settled {r.AuctionSettledPriceTotal}, rebated {r.AuctionRebatesTotal})   bids: {r.AuctionBidsSubmitted} sealed, {r.AuctionBidsCounted} counted, {r.AuctionBidsLate} revealed too late   express bundles: {r.ExpressBundlesSubmitted} sent, {r.ExpressBundlesOutput} output, {r.ExpressBundlesOutOfOrder} out of order"));
        }

        if (o.Policy is "encrypted" or "auction")
        {
            Console.WriteLine(string.Create(ci, $"  ciphertexts: {r.CiphertextsSubmitted} sealed, {r.CiphertextsDecrypted} decrypted, {r.Undecrypted} undecrypted   seen before commit: {r.PlaintextSeenBeforeCommit}   bad-share evidence: {r.BadShareEvidence}"));
        }

        if (o.EpochChanges > 0)
        {
            Console.WriteLine(string.Create(ci, $"  epochs: {o.EpochChanges} stake changes planned, every running honest node went through at least {r.EpochsReachedMin}"));
        }

        if (r.InboxPosted > 0 || o.Byzantine == ByzantineKind.CensorInbox)
        {
            Console.WriteLine(string.Create(ci, $"  inbox: {r.InboxPosted} posted, {r.InboxIncluded} included, {r.InboxLate} late, {r.InboxMissing} missing, {r.InboxPending} pending, from L1 block to commit p50 {r.InboxDelayP50Ms} ms, max {r.InboxDelayMaxMs} ms   proposals refused: {r.InboxRefusals} ({r.InboxRefusalsOfHonestLeaders} of honest leaders)"));
        }

        if (o.BundleFraction > 0)
        {
            Console.WriteLine(string.Create(ci, $"  bundles: {r.BundlesSubmitted} submitted, {r.BundlesOutput} output whole (a split bundle is a safety violation)"));
        }

        if (r.FairRefusals.Count > 0)
        {
            Console.WriteLine("  fair refusals: " + string.Join(", ", r.FairRefusals.Select(p => $"{p.Key}: {p.Value}")));
        }
        Console.WriteLine(string.Create(ci, $"  {r.RoundsTotal} rounds in {r.WallSeconds:F2} s = {r.RoundsPerSecond:F0} simulated rounds/s"));
        Console.WriteLine(r.Passed ? "  PASS: every invariant held" : $"  FAIL: seeds {string.Join(", ", r.FailingSeeds)}");
    }
}
