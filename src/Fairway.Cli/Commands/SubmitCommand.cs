using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fairway.Client;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway submit</c>: sends one transaction to a validator and prints its hash, how to follow it, and with
/// <c>--wait</c> where it landed. The first line of stdout is the hash alone, so scripts can take it with <c>head -1</c>.
/// </summary>
internal static class SubmitCommand
{
    private const int TimeoutSecondsMax = 3600;

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "validator API, e.g. http://127.0.0.1:27100", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the rollup's namespace id (required unless --bundle)" };
        var payload = new Option<string?>("--payload") { Description = "payload text (UTF-8)" };
        var file = new Option<string?>("--file") { Description = "payload file" };
        var wait = new Option<string?>("--wait") { Description = "wait until the transaction is received, soft (in a certified block), firm (committed) or settled (an output header at or above it accepted by the L1's light client), then print its height and index" };
        var timeout = new Option<int>("--timeout-seconds") { Description = $"how long --wait waits (1..{TimeoutSecondsMax})", DefaultValueFactory = _ => 60 };
        var encrypted = new Option<bool>("--encrypted")
        {
            Description = "encrypt the payload here to the chain's threshold key (GET /v1/node/encryption-key) and submit the ciphertext "
                + "(POST /v1/submit/encrypted): no validator can read it before its block commits",
        };
        var bundle = new Option<string[]>("--bundle")
        {
            Description = "a leg of an atomic bundle as NS:TEXT, repeated for each leg in order (1 to 16; no encrypted namespaces): "
                + "every leg lands in one height, each namespace's legs contiguous and in order, or none does",
        };
        var command = new Command("submit", "submit one transaction, or an atomic bundle") { url, ns, payload, file, wait, timeout, encrypted, bundle };
        command.SetAction(async (result, ct) =>
        {
            var text = result.GetValue(payload);
            var path = result.GetValue(file);
            var level = result.GetValue(wait);
            var seconds = result.GetValue(timeout);
            var legs = result.GetValue(bundle) ?? [];
            var usage = legs.Length > 0
                ? (text is not null || path is not null || result.GetResult(ns) is not null || result.GetValue(encrypted) ? "--bundle takes no --namespace, --payload, --file or --encrypted" : null)
                : result.GetResult(ns) is null ? "give --namespace (or --bundle NS:TEXT for an atomic bundle)"
                : (text is null) == (path is null) ? "give exactly one of --payload or --file"
                : null;
            var (bundleLegs, bundleError) = SubmitBundle.Parse(legs);
            usage ??= bundleError is not null ? bundleError
                : level is not null && SubmitWait.Rank(level) < 0 ? $"--wait must be one of {string.Join(", ", SubmitWait.Levels)}"
                : seconds is < 1 or > TimeoutSecondsMax ? $"--timeout-seconds must be between 1 and {TimeoutSecondsMax}"
                : null;
            if (usage is not null)
            {
                Console.Error.WriteLine($"fairway submit: {usage}");
                return 2;
            }

            if (legs.Length > 0)
            {
                using var bundleHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                try
                {
                    return await SubmitBundle.RunAsync(bundleHttp, new Uri(result.GetValue(url)!), bundleLegs!, level, seconds, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine("fairway submit: interrupted");
                    return 130;
                }
                catch (Exception e) when (e is HttpRequestException or UriFormatException or TaskCanceledException or JsonException or InvalidOperationException or KeyNotFoundException)
                {
                    Console.Error.WriteLine($"fairway submit: {e.Message}");
                    return 1;
                }
            }

            byte[] bytes;
            try
            {
                bytes = text is not null ? System.Text.Encoding.UTF8.GetBytes(text) : await File.ReadAllBytesAsync(path!, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"fairway submit: {e.Message}");
                return 2;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var api = new Uri(result.GetValue(url)!);
                var @namespace = result.GetValue(ns);
                using var response = result.GetValue(encrypted)
                    ? await SubmitEncryptedAsync(http, api, @namespace, bytes, ct).ConfigureAwait(false)
                    : await http.PostAsJsonAsync(new Uri(api, "/v1/submit"), new { @namespace, payload = Convert.ToBase64String(bytes) }, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"fairway submit: {(int)response.StatusCode} {body}");
                    return 1;
                }

                using var json = JsonDocument.Parse(body);
                var hash = json.RootElement.GetProperty("hash").GetString()!;
                Console.WriteLine(hash);
                return await SubmitWait.ReportAsync(http, api, hash, level, seconds, "", [@namespace], ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("fairway submit: interrupted");
                return 130;
            }
            catch (Exception e) when (e is HttpRequestException or UriFormatException or TaskCanceledException or JsonException or InvalidOperationException)
            {
                Console.Error.WriteLine($"fairway submit: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// Encrypts to the key set this validator serves (checked against the id it names) with the namespace's label, and
    /// posts the ciphertext. The SDK's <c>SubmitEncryptedAsync</c> asks more than the faulty stake for the key instead.
    /// </summary>
    private static async Task<HttpResponseMessage> SubmitEncryptedAsync(HttpClient http, Uri api, ulong @namespace, byte[] plaintext, CancellationToken ct)
    {
        using var key = JsonDocument.Parse(await http.GetStringAsync(new Uri(api, "/v1/node/encryption-key"), ct).ConfigureAwait(false));
        EncryptionKeyAnswer answer;
        try
        {
            answer = EncryptionKeyAnswer.Read(key.RootElement);
        }
        catch (VerificationException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        var keySet = answer.KeySet
            ?? throw new InvalidOperationException($"the chain's encryption key is {answer.State} ({answer.Failure ?? "the key generation has not finished"})");

        var ciphertext = Fairway.Crypto.Threshold.ThresholdEncryption.Encrypt(keySet, Fairway.Core.Chain.EncryptionLabel.Of(@namespace), plaintext);
        var body = new { @namespace, ciphertext = Convert.ToBase64String(Fairway.Core.Encoding.Canonical.Encode(ciphertext)) };
        return await http.PostAsJsonAsync(new Uri(api, "/v1/submit/encrypted"), body, ct).ConfigureAwait(false);
    }
}
