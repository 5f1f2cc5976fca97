// The program of docs/ROLLUP-GUIDE.md, compiled here so the guide cannot show code the SDK does not take;
// RollupGuideTests checks the guide shows exactly the text between the markers, and runs it against a real node.

// guide:example begin
using Fairway.Client;

namespace MyRollup;

/// <summary>Submits one transaction, waits until it is firm, then follows the namespace until cancelled.</summary>
public static class RollupExample
{
    public static async Task<int> RunAsync(Uri validator, string genesisFile, ulong @namespace, TextWriter log, CancellationToken ct)
    {
        // Trust comes from the genesis file you hold, never from the node you talk to.
        var trust = TrustedChain.FromGenesisFile(genesisFile);
        using var client = new FairwayClient(validator, trust);
        try
        {
            SubmitResult receipt = await client.SubmitAsync(@namespace, "hello rollup"u8.ToArray(), ct);
            await log.WriteLineAsync($"{receipt.Hash.ToHex()} received by validator {receipt.Validator}");

            TransactionStatus firm = await client.WaitForAsync(receipt.Hash, Commitment.Firm, TimeSpan.FromSeconds(30), ct);
            await log.WriteLineAsync($"firm at height {firm.Height}, index {firm.Index}");

            VerifiedTransaction tx = await client.GetTransactionAsync(receipt.Hash, ct);
            await foreach (VerifiedNamespaceBlock block in client.StreamNamespaceAsync(tx.Height, @namespace, ct))
            {
                // Every height in order, none skipped; an empty list where the namespace had nothing.
                foreach (var t in block.Transactions)
                {
                    await log.WriteLineAsync($"height {block.Height}: {t.Hash.ToHex()} ({t.Payload.Length} bytes)");
                }
            }

            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (TimeoutException e)
        {
            await log.WriteLineAsync($"not firm in time: {e.Message}");
            return 1;
        }
        catch (VerificationException e)
        {
            await log.WriteLineAsync($"a node's answer did not verify, nothing of it was used: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            await log.WriteLineAsync($"the node refused the request or could not be reached: {e.Message}");
            return 1;
        }
    }
}
// guide:example end

internal static class RollupGuideProgram
{
    /// <summary>The guide's Program.cs (top-level statements there); never called here, only compiled.</summary>
    public static async Task<int> RunFromCommandLineAsync()
    {
        // guide:program begin
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // Ctrl-C ends the wait or the stream through the token, not by killing the process
            stop.Cancel();
        };
        return await MyRollup.RollupExample.RunAsync(new Uri("http://127.0.0.1:27100"), ".devnet/genesis.json", 42, Console.Out, stop.Token);
        // guide:program end
    }
}

/// <summary>The guide's encrypted-namespace snippet, compiled here.</summary>
internal static class RollupGuideEncrypted
{
    public static async Task<Fairway.Client.VerifiedTransaction> SubmitSealedAsync(Fairway.Client.FairwayClient client)
    {
        // guide:encrypted begin
        var result = await client.SubmitEncryptedAsync(3, "buy 1 ETH-CALL-4000"u8.ToArray());
        var firm = await client.WaitForAsync(result.Hash, Commitment.Firm, TimeSpan.FromSeconds(60));
        var read = await client.GetTransactionAsync(result.Hash);   // read.Transaction: the plaintext; read.Sealed: your ciphertext
        // guide:encrypted end
        return firm.Index == read.Index ? read : throw new InvalidOperationException("the status and the proof disagree on the position");
    }
}

/// <summary>The guide's bundle snippet, compiled here.</summary>
internal static class RollupGuideBundle
{
    public static async Task<Fairway.Client.VerifiedNamespaceBlock> SubmitBundleAsync(Fairway.Client.FairwayClient client)
    {
        // guide:bundle begin
        var bundle = await client.SubmitBundleAsync([(7UL, "swap 10 A for B"u8.ToArray()), (8UL, "release 10 B to alice"u8.ToArray())]);
        var firm = await client.WaitForAsync(bundle.Legs[1], Commitment.Firm, TimeSpan.FromSeconds(60));
        var rollup8 = await client.GetNamespaceAsync(firm.Height!.Value, 8);   // leg 1 is here; leg 0 is in namespace 7 at the same height
        // guide:bundle end
        return rollup8;
    }
}
