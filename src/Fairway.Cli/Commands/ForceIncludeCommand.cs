using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fairway.Client;
using Fairway.Settlement;
using Fairway.Settlement.Dev;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway force-include</c>: posts a transaction to the L1 inbox, so the chain must include it by the entry's
/// deadline whatever any leader does, then follows the entry at a validator to <c>firm</c>: one line per status (the
/// inbox index first, the last line <c>firm</c> with the height), and the transaction verified against its certified output.
/// </summary>
internal static class ForceIncludeCommand
{
    private const string Name = "force-include";

    /// <summary>The L1 chain id of anvil and other development chains, where the first development account pays when no key is given.</summary>
    private const long DevelopmentChainId = 31_337;

    public static Command Create()
    {
        var l1 = L1Cli.L1Url();
        var url = new Option<string>("--url") { Description = "a validator's API, e.g. http://127.0.0.1:7100: where the entry is followed", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the namespace (rollup) the transaction is for", Required = true };
        var payload = new Option<string?>("--payload") { Description = "the transaction's payload as UTF-8 text" };
        var payloadHex = new Option<string?>("--payload-hex") { Description = "the payload as hex bytes, instead of --payload" };
        var key = new Option<string?>("--key")
        {
            Description = "settlement key file whose account pays the inbox's fee; optional on a development L1 (chain id 31337), where anvil's first account pays",
        };
        var inbox = new Option<string?>("--inbox") { Description = "the inbox contract's address; by default the one the validator at --url names" };
        var genesis = new Option<string>("--genesis")
        {
            Description = "the genesis file whose validators the validator's answers are verified against",
            DefaultValueFactory = _ => Path.Combine(".devnet", "genesis.json"),
        };
        var timeout = new Option<int>("--timeout-seconds") { Description = "give up following after this long (exit 1)", DefaultValueFactory = _ => 120 };
        var json = new Option<bool>("--json") { Description = "print one JSON object per status instead of a line" };
        var command = new Command(
            Name,
            "post a transaction to the L1 inbox (forced inclusion: the chain must include it within the inbox's deadline, whatever "
            + "any leader does) and follow it to firm, printing its inbox index and each status it reaches")
        {
            l1, url, ns, payload, payloadHex, key, inbox, genesis, timeout, json,
        };
        command.SetAction((result, ct) => L1Cli.RunAsync(Name, async cancel =>
        {
            var bytes = Payload(result.GetValue(payload), result.GetValue(payloadHex));
            var apiUri = L1Cli.ApiUri(result.GetValue(url)!);

            var seconds = result.GetValue(timeout);
            if (seconds is < 1 or > 86_400)
            {
                throw new UsageException("--timeout-seconds must be between 1 and 86400");
            }

            TrustedChain trust;
            try
            {
                trust = TrustedChain.FromGenesisFile(result.GetValue(genesis)!);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
            {
                throw new UsageException($"--genesis {result.GetValue(genesis)}: {e.Message}");
            }

            using var client = new FairwayClient(apiUri, trust);
            var address = result.GetValue(inbox) is { } given ? L1Cli.Address(given, "--inbox") : await InboxOfAsync(apiUri, cancel).ConfigureAwait(false);
            var connection = await ConnectAsync(result.GetValue(l1)!, result.GetValue(key), cancel).ConfigureAwait(false);
            var poster = await InboxPoster.ConnectAsync(connection, address).ConfigureAwait(false);
            var asJson = result.GetValue(json);
            var @namespace = result.GetValue(ns);
            var progress = new SynchronousProgress<InboxEntryStatus>(s => Print(asJson, s, bytes.Length, address));
            try
            {
                await client.ForceIncludeAsync(poster, @namespace, bytes, TimeSpan.FromSeconds(seconds), progress, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new NodeException(e.Message, e);
            }
            catch (VerificationException e)
            {
                throw new NodeException($"the validator's answer did not verify: {e.Message}", e);
            }

            return 0;
        }, ct));
        return command;
    }

    private static byte[] Payload(string? text, string? hex)
    {
        if ((text is null) == (hex is null))
        {
            throw new UsageException("give the payload with exactly one of --payload TEXT or --payload-hex HEX");
        }

        if (text is not null)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        try
        {
            return Convert.FromHexString(hex!.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
        }
        catch (FormatException)
        {
            throw new UsageException("--payload-hex must be hex bytes (an even number of hex digits)");
        }
    }

    private static async Task<string> InboxOfAsync(Uri api, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(api, "/v1/inbox"), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new NodeException($"the validator at {api} names no L1 inbox ({(int)response.StatusCode}); give --inbox ADDRESS");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return L1Cli.Address(json.RootElement.GetProperty("contract").GetString(), "the validator's inbox contract");
    }

    private static async Task<L1Connection> ConnectAsync(string url, string? keyFile, CancellationToken ct)
    {
        if (keyFile is not null)
        {
            return await L1Cli.ConnectAsync(url, L1Cli.ReadKey(keyFile), ct).ConfigureAwait(false);
        }

        var development = await L1Cli.ConnectAsync(url, SettlementKey.FromPrivateKeyHex(AnvilProcess.DevAccountKey), ct).ConfigureAwait(false);
        return development.ChainId == DevelopmentChainId
            ? development
            : throw new UsageException($"the L1 at {url} is chain {development.ChainId}, not a development chain: give --key FILE for the account that pays the inbox's fee");
    }

    private static void Print(bool json, InboxEntryStatus s, int bytes, string inbox)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                index = s.Index,
                status = s.Status,
                @namespace = s.Namespace,
                transaction = s.Transaction?.ToHex(),
                height = s.Height,
                position = s.Position,
                deadline_l1_block = s.DeadlineL1Block,
            }));
            return;
        }

        Console.WriteLine(s.Status switch
        {
            "posted" => $"posted inbox entry {s.Index} (namespace {s.Namespace}, {bytes} bytes) to {inbox}",
            "final" => $"inbox entry {s.Index}: final on the L1, to be included by L1 block {s.DeadlineL1Block}",
            "soft" => $"inbox entry {s.Index}: soft (in a committed block)",
            _ => string.Create(CultureInfo.InvariantCulture, $"inbox entry {s.Index}: {s.Status} at height {s.Height}, position {s.Position}, transaction {s.Transaction?.ToHex()}"),
        });
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool and could reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
