using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Client;

/// <summary>
/// A rollup's client for one Fairway validator: submit, follow a namespace, and verify everything it reads against the
/// trusted validator set, so a faulty or lying node can delay the client but never feed it false data.
/// </summary>
public sealed partial class FairwayClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseUrl;
    private readonly TrustedChain _trust;

    public FairwayClient(Uri baseUrl, TrustedChain trust, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(trust);
        _baseUrl = baseUrl;
        _trust = trust;
        Verifier = new ResponseVerifier(trust);
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public ResponseVerifier Verifier { get; }

    /// <summary>What this client trusts, with the epochs it has followed so far.</summary>
    public TrustedChain Trust => _trust;

    public async Task<SubmitResult> SubmitAsync(ulong @namespace, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        using var response = await _http.PostAsJsonAsync(Url("/v1/submit"), new { @namespace, payload = Convert.ToBase64String(payload.Span) }, ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        return ParseReceipt(json.RootElement, new Core.Chain.Transaction(@namespace, payload).Hash);
    }

    /// <summary>
    /// Submits one transaction to several validators at once, as a fair namespace needs: validators holding at least
    /// <paramref name="stake"/> (default: more than the faulty stake, f+1), starting with this client's validator, then
    /// the others in order, by their API URLs from genesis (<see cref="TrustedChain.ApiUrls"/>). Every receipt is
    /// verified; a validator that fails is reported in <see cref="FanOutSubmitResult.Failures"/> and the next one is
    /// tried, so the result is <c>Included</c> (receipts from more than the faulty stake) whenever enough validators answer.
    /// </summary>
    public Task<FanOutSubmitResult> SubmitAsync(ulong @namespace, ReadOnlyMemory<byte> payload, ulong? stake, CancellationToken ct = default) =>
        FanOutAsync("/v1/submit", new { @namespace, payload = Convert.ToBase64String(payload.Span) }, new Core.Chain.Transaction(@namespace, payload).Hash, stake, ct);

    /// <summary>
    /// Submits an atomic bundle through <c>POST /v1/submit/bundle</c>: 1 to <see cref="Core.Chain.Bundle.LegsMax"/> legs
    /// for any namespaces but encrypted ones. The output places every leg in one height, each namespace's legs contiguous
    /// and in the given order, or none of them. The bundle is built here too, so the node's hashes are checked, and so
    /// is its receipt (signed over the bundle's hash). Legs are found, waited for and proven by their own hashes.
    /// </summary>
    public async Task<BundleSubmitResult> SubmitBundleAsync(IReadOnlyList<(ulong Namespace, ReadOnlyMemory<byte> Payload)> legs, CancellationToken ct = default)
    {
        var (bundle, body) = BundleRequest(legs);
        using var response = await _http.PostAsJsonAsync(Url("/v1/submit/bundle"), body, ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var receipt = ParseReceipt(json.RootElement, bundle.Hash);
        var answered = json.RootElement.GetProperty("legs").EnumerateArray().Select(e => Hash.ParseHex(e.GetString() ?? "")).ToList();
        var expected = bundle.Legs.Select(leg => leg.Hash).ToList();
        if (!answered.SequenceEqual(expected))
        {
            throw new VerificationException("the node reports different hashes for the bundle's legs");
        }

        return new BundleSubmitResult(bundle.Hash, expected, receipt);
    }

    /// <summary>
    /// As <see cref="SubmitBundleAsync(IReadOnlyList{ValueTuple{ulong, ReadOnlyMemory{byte}}}, CancellationToken)"/>, sent
    /// to validators holding at least <paramref name="stake"/> (default f+1), as a bundle touching a fair namespace needs.
    /// </summary>
    public Task<FanOutSubmitResult> SubmitBundleAsync(IReadOnlyList<(ulong Namespace, ReadOnlyMemory<byte> Payload)> legs, ulong? stake, CancellationToken ct = default)
    {
        var (bundle, body) = BundleRequest(legs);
        return FanOutAsync("/v1/submit/bundle", body, bundle.Hash, stake, ct);
    }

    private static (Core.Chain.Bundle Bundle, object Body) BundleRequest(IReadOnlyList<(ulong Namespace, ReadOnlyMemory<byte> Payload)> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var bundle = Core.Chain.Bundle.Create([.. legs.Select(l => new Core.Chain.Transaction(l.Namespace, l.Payload))]);
        var body = new { legs = legs.Select(l => new { @namespace = l.Namespace, payload = Convert.ToBase64String(l.Payload.Span) }).ToArray() };
        return (bundle, body);
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> here, to the chain's threshold key with the namespace's label, and submits
    /// the ciphertext to validators holding more than the faulty stake (as <see cref="SubmitAsync(ulong, ReadOnlyMemory{byte}, ulong?, CancellationToken)"/>),
    /// through <c>POST /v1/submit/encrypted</c>. No validator sees the plaintext before the transaction's block commits.
    /// The result's hash names the ciphertext transaction: its status and position are the plaintext's.
    /// </summary>
    public async Task<FanOutSubmitResult> SubmitEncryptedAsync(ulong @namespace, ReadOnlyMemory<byte> plaintext, ulong? stake = null, CancellationToken ct = default)
    {
        var keySet = await GetEncryptionKeyAsync(ct).ConfigureAwait(false);
        var ciphertext = Canonical.Encode(Crypto.Threshold.ThresholdEncryption.Encrypt(keySet, Core.Chain.EncryptionLabel.Of(@namespace), plaintext.Span));
        return await FanOutAsync(
            "/v1/submit/encrypted",
            new { @namespace, ciphertext = Convert.ToBase64String(ciphertext) },
            new Core.Chain.Transaction(@namespace, ciphertext).Hash,
            stake,
            ct).ConfigureAwait(false);
    }

    private Crypto.Threshold.ThresholdKeySet? _keySet;

    /// <summary>
    /// The chain's threshold encryption key, as validators holding more than the faulty stake serve it alike: a single
    /// validator could serve a key whose secret it holds and read what the client seals. Cached once agreed.
    /// </summary>
    public async Task<Crypto.Threshold.ThresholdKeySet> GetEncryptionKeyAsync(CancellationToken ct = default)
    {
        if (_keySet is { } cached)
        {
            return cached;
        }

        var validators = _trust.CurrentValidators;
        var urls = _trust.ApiUrls.Count > 0 ? _trust.ApiUrls : new Dictionary<int, Uri> { [0] = _baseUrl };
        var views = await Task.WhenAll(urls.Where(p => validators.Contains(p.Key)).Select(async p =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(p.Value, "/v1/node/encryption-key"), ct).ConfigureAwait(false);
                using var json = await ReadAsync(response, ct).ConfigureAwait(false);
                var answer = EncryptionKeyAnswer.Read(json.RootElement);
                return (p.Key, answer.KeySet, State: answer.Describe());
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or VerificationException or InvalidOperationException
                or TaskCanceledException && !ct.IsCancellationRequested)
            {
                return (p.Key, KeySet: null, State: e.Message);
            }
        })).ConfigureAwait(false);

        var agreed = views.Where(v => v.KeySet is not null).GroupBy(v => v.KeySet!.Id)
            .Select(g => (g.First().KeySet!, Stake: g.Aggregate(0UL, (s, v) => s + validators.StakeOf(v.Key))))
            .FirstOrDefault(g => g.Stake >= validators.ValidityStake);
        if (agreed.Item1 is null)
        {
            throw new InvalidOperationException(
                $"no encryption key that validators with more than the faulty stake agree on: {string.Join("; ", views.Select(v => $"validator {v.Key}: {v.State}"))}");
        }

        return _keySet = agreed.Item1;
    }

    private async Task<FanOutSubmitResult> FanOutAsync(string path, object body, Hash hash, ulong? stake, CancellationToken ct)
    {
        var validators = _trust.CurrentValidators;
        var wanted = stake ?? validators.ValidityStake;
        var self = _trust.ApiUrls.FirstOrDefault(p => p.Value == _baseUrl).Key;
        var order = _trust.ApiUrls.Keys.Where(i => validators.Contains(i)).OrderBy(i => i == self && _trust.ApiUrls.ContainsKey(self) ? -1 : i).ToList();
        var receipts = new List<SubmitResult>();
        var failures = new Dictionary<int, string>();
        ulong held = 0;
        var next = 0;
        while (held < wanted && next < order.Count)
        {
            // Ask as many at once as the remaining stake needs, assuming each answers; more only if some fail.
            var batch = new List<int>();
            ulong planned = held;
            while (planned < wanted && next < order.Count)
            {
                batch.Add(order[next]);
                planned += validators.StakeOf(order[next]);
                next++;
            }

            var answers = await Task.WhenAll(batch.Select(async v =>
            {
                try
                {
                    using var response = await _http.PostAsJsonAsync(new Uri(_trust.ApiUrls[v], path), body, ct).ConfigureAwait(false);
                    using var json = await ReadAsync(response, ct).ConfigureAwait(false);
                    var receipt = ParseReceipt(json.RootElement, hash);
                    return (v, Receipt: receipt.Validator == v ? receipt : null, Error: receipt.Validator == v ? null : $"receipt signed by validator {receipt.Validator}");
                }
                catch (Exception e) when (e is HttpRequestException or VerificationException or JsonException or KeyNotFoundException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    return (v, Receipt: (SubmitResult?)null, Error: e.Message);
                }
            })).ConfigureAwait(false);
            foreach (var (v, receipt, error) in answers)
            {
                if (receipt is not null)
                {
                    receipts.Add(receipt);
                    held += validators.StakeOf(v);
                }
                else
                {
                    failures[v] = error ?? "no receipt";
                }
            }
        }

        return new FanOutSubmitResult(hash, receipts, failures, held >= validators.ValidityStake);
    }

    /// <summary>
    /// Submits a batch in the binary form (no base64, no JSON per transaction). Results are in order: a hash for an
    /// accepted or duplicate transaction, the error <c>busy</c> when the mempool was full. A batch the node refuses as
    /// a whole (a payload above its limit, too many transactions, a body too large) throws
    /// <see cref="HttpRequestException"/> with the node's status and error.
    /// </summary>
    public async Task<IReadOnlyList<BatchSubmitResult>> SubmitBatchAsync(IReadOnlyList<(ulong Namespace, ReadOnlyMemory<byte> Payload)> transactions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var expected = transactions.Select(t => new Core.Chain.Transaction(t.Namespace, t.Payload).Hash).ToList();
        using var content = new ByteArrayContent(SubmitBatchFormat.EncodeRequest(transactions));
        content.Headers.ContentType = new MediaTypeHeaderValue(SubmitBatchFormat.RequestContentType);
        using var response = await _http.PostAsync(Url("/v1/submit/batch"), content, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new HttpRequestException($"{(int)response.StatusCode}: {error}", null, response.StatusCode);
        }

        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, SubmitBatchFormat.ResultContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new VerificationException($"the node answered a binary batch with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
        }

        // The answer's size is known from the request; a node sending more is not read past that.
        var body = await ReadBoundedAsync(response.Content, (long)expected.Count * SubmitBatchFormat.ResultRecordBytes, ct).ConfigureAwait(false);
        IReadOnlyList<(SubmitBatchStatus Status, Hash Hash)> decoded;
        try
        {
            decoded = SubmitBatchFormat.DecodeResults(body, expected.Count);
        }
        catch (EncodingException e)
        {
            throw new VerificationException($"malformed batch answer: {e.Message}");
        }

        var results = new List<BatchSubmitResult>(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (status, hash) = decoded[i];
            if (hash != expected[i])
            {
                throw new VerificationException("the node reports a different hash for a transaction of the batch");
            }

            results.Add(status == SubmitBatchStatus.Busy
                ? new BatchSubmitResult(null, "busy", "the mempool is full; retry later")
                : new BatchSubmitResult(hash, null, null));
        }

        return results;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, long expected, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than expected is enough to tell a wrong-sized answer.
            var buffer = new byte[expected + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return buffer[..length];
        }
    }

    /// <summary>The transaction's commitment level at this validator, or null if it has not seen it.</summary>
    public async Task<TransactionStatus?> GetStatusAsync(Hash transaction, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/status/tx/{transaction.ToHex()}"), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var root = json.RootElement;
        var level = root.GetProperty("status").GetString() switch
        {
            "firm" => Commitment.Firm,
            "settled" => Commitment.Settled,
            "soft" => Commitment.Soft,
            "included" => Commitment.Included,
            "received" => Commitment.Received,
            var other => throw new VerificationException($"unknown status \"{other}\""),
        };
        return new TransactionStatus(
            level,
            root.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetUInt64() : null,
            root.TryGetProperty("index", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null);
    }

    /// <summary>Polls until the transaction reaches <paramref name="level"/>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<TransactionStatus> WaitForAsync(Hash transaction, Commitment level, TimeSpan timeout, CancellationToken ct = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (await GetStatusAsync(transaction, deadline.Token).ConfigureAwait(false) is { } status && status.Level >= level)
                {
                    return status;
                }

                await Task.Delay(50, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"transaction {transaction.ToHex()} did not reach {level} within {timeout}");
        }
    }

    /// <summary>A namespace's transactions at one height, verified.</summary>
    public async Task<VerifiedNamespaceBlock> GetNamespaceAsync(ulong height, ulong @namespace, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/availability/block/{height}/namespace/{@namespace}"), ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        return await VerifiedAsync(() => Verifier.VerifyNamespace(json.RootElement, @namespace, height), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Follows the node's epoch hand-overs past the newest epoch this client trusts (<c>GET /v1/epochs</c>, then each
    /// epoch's last block), checking each (see <see cref="TrustedEpochs.Adopt"/>); returns how many epochs it took in.
    /// Reads call it by themselves when a response fails under the epochs already trusted.
    /// </summary>
    public async Task<int> FollowEpochsAsync(CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url("/v1/epochs"), ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var adopted = 0;
        List<(ulong Epoch, ulong LastBlockHeight)> listed;
        try
        {
            listed = [.. json.RootElement.GetProperty("epochs").EnumerateArray()
                .Select(e => (e.GetProperty("epoch").GetUInt64(), e.GetProperty("last_block_height").GetUInt64()))
                .Take(TrustedEpochs.EpochsMax)
                .OrderBy(e => e.Item1)];
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new VerificationException($"the node's epoch list is malformed: {e.Message}", e);
        }

        foreach (var (epoch, lastBlockHeight) in listed)
        {
            if (epoch <= _trust.Epochs.Latest.Epoch)
            {
                continue;
            }

            using var blockResponse = await _http.GetAsync(Url($"/v1/availability/block/{lastBlockHeight}"), ct).ConfigureAwait(false);
            using var block = await ReadAsync(blockResponse, ct).ConfigureAwait(false);
            Verifier.AdoptEpoch(block.RootElement);
            adopted++;
        }

        return adopted;
    }

    /// <summary>
    /// Runs a check of a response; when it fails, follows the node's epoch hand-overs (the response may be of an epoch this
    /// client has not seen yet) and, if that brought a new epoch, checks once more. A response that still fails is refused.
    /// </summary>
    private async Task<T> VerifiedAsync<T>(Func<T> verify, CancellationToken ct)
    {
        try
        {
            return verify();
        }
        catch (VerificationException)
        {
            if (await FollowEpochsAsync(ct).ConfigureAwait(false) == 0)
            {
                throw;
            }
        }

        return verify();
    }

    /// <summary>
    /// The ordering policy of <paramref name="namespace"/>, as the node's registry has it. When the trusted genesis was
    /// read (<see cref="TrustedChain.FromGenesisFile"/>), a node that reports another policy than genesis declares is refused.
    /// </summary>
    public async Task<NamespaceInfo> GetNamespaceAsync(ulong @namespace, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/namespaces/{@namespace}"), ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var root = json.RootElement;
        var info = new NamespaceInfo(
            root.GetProperty("id").GetUInt64(),
            root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            root.GetProperty("policy").GetString() ?? "",
            root.GetProperty("declared").GetBoolean(),
            root.GetProperty("policy_description").GetString() ?? "");
        if (info.Id != @namespace)
        {
            throw new VerificationException($"asked for namespace {@namespace}, the node answered for {info.Id}");
        }

        if (_trust.PolicyOf(@namespace) is { } trusted && !string.Equals(trusted, info.Policy, StringComparison.Ordinal))
        {
            throw new VerificationException($"the node says namespace {@namespace} is ordered by \"{info.Policy}\"; genesis says \"{trusted}\"");
        }

        return info;
    }

    /// <summary>A committed transaction by hash, verified.</summary>
    public async Task<VerifiedTransaction> GetTransactionAsync(Hash hash, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(Url($"/v1/availability/transaction/hash/{hash.ToHex()}"), ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        var verified = await VerifiedAsync(() => Verifier.VerifyTransaction(json.RootElement, hash), ct).ConfigureAwait(false);
        if (verified.Sealed is { } sealedTx)
        {
            // The certified output proves the plaintext's place; opening the ciphertext here proves it is this one's.
            ResponseVerifier.VerifyOpening(await GetEncryptionKeyAsync(ct).ConfigureAwait(false), sealedTx, verified.Transaction, verified.Opening);
        }

        return verified;
    }

    /// <summary>
    /// Follows a namespace from <paramref name="fromHeight"/>: every height in order, each verified, none skipped or
    /// repeated. When the connection drops it reconnects and resumes after the last height it delivered.
    /// </summary>
    public async IAsyncEnumerable<VerifiedNamespaceBlock> StreamNamespaceAsync(ulong fromHeight, ulong @namespace, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var next = fromHeight;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            var ws = new UriBuilder(Url($"/v1/stream/transactions/{next}/namespace/{@namespace}")) { Scheme = _baseUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
            var connected = true;
            try
            {
                await socket.ConnectAsync(ws, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                connected = false;
            }

            while (connected && socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
            {
                var message = await ReceiveTextAsync(socket, ct).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                using var json = JsonDocument.Parse(message);
                var root = json.RootElement;
                var verified = await VerifiedAsync(() => Verifier.VerifyNamespace(root, @namespace, next), ct).ConfigureAwait(false);
                failures = 0;
                next++;
                yield return verified;
            }

            failures++;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * (1 << Math.Min(failures, 6)))), ct).ConfigureAwait(false);
        }
    }

    private static async Task<string?> ReceiveTextAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > 64 * 1024 * 1024)
                {
                    throw new VerificationException("a stream message above 64 MiB");
                }

                if (result.EndOfMessage)
                {
                    return System.Text.Encoding.UTF8.GetString(message.ToArray());
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }

    private SubmitResult ParseReceipt(JsonElement item, Hash expected)
    {
        var hash = Hash.ParseHex(item.GetProperty("hash").GetString() ?? "");
        if (hash != expected)
        {
            throw new VerificationException("the node reports a different hash for the transaction");
        }

        var receipt = item.GetProperty("receipt");
        var validator = receipt.GetProperty("validator").GetInt32();
        var at = receipt.GetProperty("received_at_ms").GetUInt64();
        var signature = new Signature(Convert.FromHexString(receipt.GetProperty("signature").GetString() ?? ""));
        if (!Verifier.VerifyReceipt(hash, validator, at, signature))
        {
            throw new VerificationException("the receipt's signature does not verify");
        }

        return new SubmitResult(hash, validator, at, item.TryGetProperty("duplicate", out var d) && d.GetBoolean(), signature);
    }

    /// <summary>
    /// Hands the receipts this client holds for a transaction to its validator, which then watches the signers' lists in
    /// committed blocks: one that leaves the transaction out while listing a later one becomes censorship evidence
    /// (<c>GET /v1/evidence</c>), sent to every validator. Returns how many receipts are watched.
    /// </summary>
    public async Task<int> ReportReceiptsAsync(Hash transaction, IReadOnlyList<SubmitResult> receipts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var body = new
        {
            transaction = transaction.ToHex(),
            receipts = receipts.Select(r => new { validator = r.Validator, received_at_ms = r.ReceivedAtMs, signature = r.Signature.ToHex() }),
        };
        using var response = await _http.PostAsJsonAsync(Url("/v1/evidence/receipts"), body, ct).ConfigureAwait(false);
        using var json = await ReadAsync(response, ct).ConfigureAwait(false);
        return json.RootElement.GetProperty("watched").GetInt32();
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return JsonDocument.Parse(body);
    }

    private Uri Url(string path) => new(_baseUrl, path);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
