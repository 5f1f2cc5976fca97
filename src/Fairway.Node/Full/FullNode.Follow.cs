using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Storage;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Full;

/// <summary>The follow loop: read the next firm height, verify it, store and index it; on any failure, the next source.</summary>
public sealed partial class FullNode
{
    /// <summary>How long one request waits at the source for the next height to become firm.</summary>
    private const int LongPollMs = 5_000;

    /// <summary>Consecutive long polls without a new height after which the source is taken to be behind or withholding.</summary>
    private const int IdlePollsBeforeNext = 2;

    private const int RetryDelayMsMax = 2_000;

    /// <summary>Heights whose blocks hand over to a new epoch, one per line: replayed at start to trust those epochs again.</summary>
    private string EpochsPath => Path.Combine(_config.DataDir, "epochs.log");

    /// <summary>Heights read and verified ahead of the one being stored: reading and checking overlap with writing.</summary>
    private const int VerifiedAheadMax = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Resume();
        var verified = Channel.CreateBounded<FirmBlock>(new BoundedChannelOptions(VerifiedAheadMax) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadVerifiedAsync(verified.Writer, stoppingToken), stoppingToken);
        try
        {
            await foreach (var firm in verified.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Store(firm);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await reading.ConfigureAwait(false);
    }

    /// <summary>Reads heights in order from the sources, verifies each, and hands it to the writer; a failure retries the height elsewhere.</summary>
    private async Task ReadVerifiedAsync(ChannelWriter<FirmBlock> output, CancellationToken stoppingToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(LongPollMs + 30_000) };
        var idlePolls = 0;
        var retryDelayMs = 100;
        var next = _chain.CertifiedHeight + 1;
        var previous = _previousHeader;
        while (!stoppingToken.IsCancellationRequested)
        {
            var source = _sources.Current;
            try
            {
                var bytes = await ReadAsync(http, source, next, stoppingToken).ConfigureAwait(false);
                if (bytes is null)
                {
                    if (++idlePolls >= IdlePollsBeforeNext)
                    {
                        idlePolls = 0;
                        _sources.Next();
                    }

                    continue;
                }

                var firm = FirmBlock.Decode(bytes);
                Verify(firm, next, previous);
                var committed = firm.Committed;
                if (committed.Block.NextEpoch is not null)
                {
                    // Trusted before the next height is checked, which its validators sign.
                    _epochs.Adopt(committed.Block, committed.Output.Header, committed.OutputCertificate!);
                }

                await output.WriteAsync(firm, stoppingToken).ConfigureAwait(false);
                previous = committed.Output.Header;
                next++;
                idlePolls = 0;
                retryDelayMs = 100;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or EncodingException or InvalidDataException or VerificationException
                                          || (e is TaskCanceledException && !stoppingToken.IsCancellationRequested))
            {
                Interlocked.Increment(ref _followErrors);
                Volatile.Write(ref _lastError, $"height {next} from {source}: {e.Message}");
                LogFollowFailed(_log, next, source, e.Message);
                _sources.Next();
                try
                {
                    await Task.Delay(retryDelayMs, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                retryDelayMs = Math.Min(RetryDelayMsMax, retryDelayMs * 2);
            }
        }

        output.TryComplete();
    }

    /// <summary>The height's bytes, or null when the source has not got it firm yet.</summary>
    private static async Task<byte[]?> ReadAsync(HttpClient http, Uri source, ulong height, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(source, $"/v1/sync/block/{height}?wait_ms={LongPollMs}"), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Contains("not_firm_yet", StringComparison.Ordinal)
                ? null
                : throw new HttpRequestException($"the source does not serve height {height}: {Truncate(text)}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))}");
        }

        if (response.Content.Headers.ContentType is not MediaTypeHeaderValue { MediaType: FirmBlock.ContentType })
        {
            throw new HttpRequestException($"answered {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not {FirmBlock.ContentType}");
        }

        if (response.Content.Headers.ContentLength is > FirmBlock.EncodedBytesMax)
        {
            throw new HttpRequestException($"a height of {response.Content.Headers.ContentLength} bytes, above {FirmBlock.EncodedBytesMax}");
        }

        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > FirmBlock.EncodedBytesMax)
                {
                    throw new HttpRequestException($"a height above {FirmBlock.EncodedBytesMax} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";

    /// <summary>
    /// Everything a firm height must satisfy before this node stores it; throws <see cref="VerificationException"/> and
    /// changes nothing otherwise. <see cref="FirmBlock.Decode"/> has already checked that the batches are the block's
    /// and rebuild exactly the header's output.
    /// </summary>
    private void Verify(FirmBlock firm, ulong expectedHeight, Core.Output.OutputHeader? previousHeader)
    {
        var committed = firm.Committed;
        if (committed.Height != expectedHeight)
        {
            throw new VerificationException($"asked for height {expectedHeight}, got {committed.Height}");
        }

        var header = committed.Output.Header;
        if (!_epochs.VerifyOutput(committed.Block, committed.Certificate, header, committed.OutputCertificate!, out var reason))
        {
            throw new VerificationException($"height {expectedHeight} is not certified by the validators this node trusts: {reason}");
        }

        var previous = expectedHeight == 1 ? Hash.Zero : (previousHeader ?? _chain.GetOutputHeader(expectedHeight - 1))?.Hash;
        if (header.PreviousOutputHash != previous)
        {
            throw new VerificationException($"height {expectedHeight}'s output header does not chain to the output of height {expectedHeight - 1} this node holds");
        }
    }

    private void Store(FirmBlock firm)
    {
        var committed = firm.Committed;
        // A crash may have left the block committed here without its certificate: only the certificate is missing then.
        if (committed.Height > _chain.CommittedHeight)
        {
            _chain.PutBatches(firm.Batches);
            _chain.PutBlock(committed.Block);
            _chain.AppendCommitted(committed);
        }

        // Not flushed on its own: after a crash that loses it, the height is read again and only its certificate stored.
        _chain.PutOutputCertificate(committed.OutputCertificate!);
        var header = committed.Output.Header;
        if (committed.Block.NextEpoch is not null)
        {
            File.AppendAllText(EpochsPath, committed.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        }

        _query.Index(committed, firm.Batches);
        Blocks.Add(committed);
        _previousHeader = header;
        Interlocked.Increment(ref _heightsVerified);
        SignalIndexed();
    }

    /// <summary>After a restart: trust again the epochs this node had followed, and index what the chain store has and the index lacks.</summary>
    private void Resume()
    {
        if (File.Exists(EpochsPath))
        {
            foreach (var line in File.ReadAllLines(EpochsPath).Where(l => l.Length > 0))
            {
                var height = ulong.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
                var handOver = _chain.GetCommitted(height) ?? throw new InvalidDataException($"{EpochsPath} names height {height}, which the chain store lacks");
                _epochs.Adopt(handOver.Block, handOver.Output.Header, handOver.OutputCertificate!);
            }
        }

        _query.IndexCertified(_chain);

        _previousHeader = _chain.GetOutputHeader(_chain.CertifiedHeight);
        LogResumed(_log, _query.IndexedHeight, string.Join(", ", _sources.All));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "full node: height {Height} from {Source} failed: {Reason}; trying the next source")]
    private static partial void LogFollowFailed(ILogger logger, ulong height, Uri source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "full node starting at indexed height {Height}, following {Sources}")]
    private static partial void LogResumed(ILogger logger, ulong height, string sources);
}
