using System.CommandLine;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway evidence submit</c>: takes evidence validators found to the L1's light client. Conflicting settlement
/// statements (from a node's <c>GET /v1/evidence</c>) the light client checks itself; evidence it cannot check
/// (<c>--attested</c>) goes with signed slash reports from validators holding more than 2/3 of the stake.
/// </summary>
internal static class EvidenceCommand
{
    public const string Name = "evidence submit";

    public static Command Create()
    {
        var l1 = L1Cli.L1Url();
        var lightClient = new Option<string>("--light-client") { Description = "the light client contract's address", Required = true };
        var key = L1Cli.KeyFile();
        var url = new Option<string?>("--url") { Description = "a validator API whose conflicting_settlement evidence to submit, e.g. http://127.0.0.1:27100" };
        var attested = new Option<bool>("--attested") { Description = "submit one piece of evidence the L1 cannot check, attested by validators (needs --urls and --evidence-hash)" };
        var urls = new Option<string?>("--urls") { Description = "with --attested: validator APIs to ask for attestations (POST /v1/evidence/attest), comma-separated" };
        var evidenceHash = new Option<string?>("--evidence-hash") { Description = "with --attested: the record's evidence_hash from GET /v1/evidence (64 hex, 0x optional)" };
        var submit = new Command(
            "submit",
            "without --attested: submit every conflicting_settlement record of --url's evidence log to slashConflictingHeaders (exit 0 if at "
            + "least one slashed or all were already used, 1 otherwise). With --attested: gather signed slash reports for --evidence-hash from "
            + "--urls and submit them to slashByAttestation (exit 0 if slashed, 1 if refused, e.g. NotEnoughStake)")
        {
            l1, lightClient, key, url, attested, urls, evidenceHash,
        };
        submit.SetAction((result, ct) => L1Cli.RunAsync(Name, async cancel =>
        {
            var client = L1Cli.Address(result.GetValue(lightClient), "--light-client");
            var isAttested = result.GetValue(attested);
            var single = result.GetValue(url);
            var many = result.GetValue(urls);
            var hashText = result.GetValue(evidenceHash);
            if (isAttested ? single is not null || many is null || hashText is null : single is null || many is not null || hashText is not null)
            {
                throw new UsageException("give either --url API, or --attested with --urls API1,API2,... and --evidence-hash HEX");
            }

            var apis = isAttested ? many!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(L1Cli.ApiUri).ToList() : [L1Cli.ApiUri(single!)];
            var hash = isAttested ? EvidenceSubmitAttested.ParseHash(hashText!) : null;
            var settlementKey = L1Cli.ReadKey(result.GetValue(key)!);
            var contracts = await L1Cli.ConnectToLightClientAsync(result.GetValue(l1)!, settlementKey, client, cancel).ConfigureAwait(false);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            return isAttested
                ? await EvidenceSubmitAttested.RunAsync(contracts, http, apis, hash!, cancel).ConfigureAwait(false)
                : await EvidenceSubmitConflicts.RunAsync(contracts, http, apis[0], cancel).ConfigureAwait(false);
        }, ct));
        return new Command("evidence", "evidence of misbehaviour: take it to the L1") { submit };
    }
}
