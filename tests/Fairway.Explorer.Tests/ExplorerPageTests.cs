using System.Globalization;

namespace Fairway.Explorer.Tests;

/// <summary>The explorer in a real browser (Debian's chromium, headless) against a real devnet of validator processes.</summary>
public sealed class ExplorerPageTests(ExplorerFixture fx) : IClassFixture<ExplorerFixture>
{
    private const string Verdict = "#proof-verdict.pass, #proof-verdict.fail";

    private string At(string route) => new Uri(fx.NodeUrl, "/" + route).ToString();

    [Fact]
    public async Task The_network_page_loads_without_console_errors_and_its_height_advances()
    {
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(At(""));
        await page.WaitForFunctionAsync("() => Number(document.getElementById('height')?.textContent) > 0");
        // A double: Playwright hands a ulong argument to the page as something no comparison holds for.
        var first = double.Parse(await page.TextContentAsync("#height") ?? "", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync("h => Number(document.getElementById('height').textContent) > h", first);

        await page.WaitForFunctionAsync("() => /^[0-9]+$/.test(document.getElementById('round').textContent)");
        await page.WaitForFunctionAsync("() => / s$/.test(document.getElementById('latency').textContent)");

        Assert.Equal("no L1", await page.TextContentAsync("#settlement"));
        Assert.Equal(4, await page.Locator("table:has(caption:text('Validator set')) tbody tr").CountAsync());
        await Screenshots.SaveAsync(page, "network");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task A_submitted_transaction_is_found_by_hash_and_shown_reaching_firm()
    {
        var hash = await fx.Devnet.SubmitAsync(0, ExplorerFixture.Namespace, "found by the search box"u8.ToArray());
        Assert.NotNull(hash);
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(At(""));
        await page.WaitForFunctionAsync("() => Number(document.getElementById('height')?.textContent) > 0");

        await page.FillAsync("#search", hash);
        await page.PressAsync("#search", "Enter");
        await page.WaitForFunctionAsync("() => document.getElementById('tx-status')?.textContent === 'firm'");
        Assert.EndsWith("#/tx/" + hash, page.Url, StringComparison.Ordinal);
        await page.WaitForSelectorAsync("text=Position in the block's output");
        await Screenshots.SaveAsync(page, "tx");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task The_in_browser_proof_check_passes_for_a_real_namespace_proof()
    {
        var (hash, height) = await fx.SubmitFirmAsync("proved in the browser");
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(At($"#/namespace/{ExplorerFixture.Namespace}/{height}"));
        await page.WaitForSelectorAsync(Verdict);

        var verdict = await page.TextContentAsync("#proof-verdict") ?? "";
        Assert.StartsWith("PASS", verdict, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#proof-steps li.bad").CountAsync());
        var steps = await page.Locator("#proof-steps li.ok").AllTextContentsAsync();
        foreach (var step in (string[])["Leaf hashes", "Path to the root", "Root equals the output header's output_root", "Output header hash equals the certified one", "Every certificate signature verifies"])
        {
            Assert.Contains(steps, s => s.Contains(step, StringComparison.Ordinal));
        }

        // The namespace's transactions, from its stream, list the one just submitted.
        await page.WaitForSelectorAsync($"a[href='#/tx/{hash}']");
        await Screenshots.SaveAsync(page, "namespace");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task A_tampered_proof_is_shown_as_failing()
    {
        var (_, height) = await fx.SubmitFirmAsync("tampered on the way");
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(new Uri(fx.Proxy.Url, $"/#/namespace/{ExplorerFixture.Namespace}/{height}").ToString());
        await page.WaitForSelectorAsync(Verdict);

        Assert.StartsWith("FAIL", await page.TextContentAsync("#proof-verdict") ?? "", StringComparison.Ordinal);
        var failed = await page.Locator("#proof-steps li.bad").AllTextContentsAsync();
        Assert.Contains(failed, s => s.Contains("Root equals the output header's output_root", StringComparison.Ordinal));
        Assert.True(fx.Proxy.Tampered > 0);
        await Screenshots.SaveAsync(page, "tampered");
    }

    [Fact]
    public async Task The_block_list_a_block_and_the_fairness_page_render_without_console_errors()
    {
        var (hash, height) = await fx.SubmitFairFirmAsync("a fair transaction to look at");
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;

        await page.GotoAsync(At("#/blocks"));
        await page.WaitForSelectorAsync("#block-list tbody tr a");
        await Screenshots.SaveAsync(page, "blocks");

        await page.GotoAsync(At($"#/block/{height}"));
        await page.WaitForSelectorAsync($"a[href='#/namespace/{ExplorerFixture.FairNamespace}/{height}']");
        Assert.Contains("Output certificate signers", await page.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        // The fair lane's inclusion details: the lists the block carries, and who listed the transaction.
        await page.WaitForSelectorAsync("caption:text('Candidate lists carried by this block')");
        Assert.Contains("node", await page.Locator($"tr:has(a[href='#/tx/{hash}'])").TextContentAsync() ?? "", StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "block");

        await page.GotoAsync(At("#/fairness"));
        await page.WaitForSelectorAsync("#mev-lab-none");
        Assert.Contains("none: no validator has been caught misbehaving", await page.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "fairness");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task A_node_with_an_mev_lab_report_shows_its_figures_and_charts()
    {
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(new Uri(fx.MevLabNodeUrl, "/#/fairness").ToString());
        await page.WaitForSelectorAsync("caption:text('Value extracted per sequencer')");
        var rows = await page.Locator("table:has(caption:text('Value extracted per sequencer')) tbody tr").AllTextContentsAsync();
        Assert.Contains(rows, r => r.StartsWith("centralized", StringComparison.Ordinal));
        // Every chart the report has is shown, and the browser could decode it.
        await page.WaitForFunctionAsync("() => { const images = [...document.querySelectorAll('.gallery img')]; return images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0); }");
        Assert.Equal(Directory.GetFiles(Path.Combine(Screenshots.RepositoryRoot()!, "docs", "mev-lab"), "*.svg").Length, await page.Locator(".gallery img").CountAsync());
        Assert.Equal(0, await page.Locator("#mev-lab-none").CountAsync());
        await Screenshots.SaveAsync(page, "fairness-mev-lab");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task The_pages_proof_code_reproduces_the_worked_example_of_the_proofs_document()
    {
        // docs/PROOFS.md's vectors are the C# code's (tests/Fairway.Core.Tests/ProofsDocumentVectorTests.cs); here the
        // browser's implementation must give the same root from the same proof, and refuse it for another namespace.
        var doc = File.ReadAllText(Path.Combine(Screenshots.RepositoryRoot()!, "docs", "PROOFS.md"));
        string Vector(string name) => System.Text.RegularExpressions.Regex.Match(doc, $"\\| {name} \\| `([0-9a-f]+)` \\|").Groups[1].Value;
        var proof = Vector("namespace 2 proof");
        var root = Vector("output_root");
        Assert.NotEmpty(proof);

        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(At(""));
        var result = await page.EvaluateAsync<string[]>(
            @"async (proofHex) => {
                const { decodeNamespaceProof, computeRoot } = await import('/explorer/proof.js');
                const { fromHex, hex } = await import('/explorer/bytes.js');
                const proof = decodeNamespaceProof(fromHex(proofHex));
                const root = hex(await computeRoot(proof, 2n, []));
                let other = 'accepted';
                try { await computeRoot(proof, 1n, []); } catch (e) { other = 'refused: ' + e.message; }
                return [root, other];
            }", proof);
        Assert.Equal(root, result[0]);
        Assert.StartsWith("refused", result[1], StringComparison.Ordinal);
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task Tab_reaches_the_search_box_with_a_visible_focus()
    {
        await using var browser = await BrowserPage.OpenAsync(fx.Browser);
        var page = browser.Page;
        await page.GotoAsync(At(""));
        await page.WaitForFunctionAsync("() => Number(document.getElementById('height')?.textContent) > 0");

        var reached = false;
        for (var i = 0; i < 20 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.id === 'search'");
        }

        Assert.True(reached, "Tab never reached the search box");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        Assert.Equal("Search a transaction hash or block height", await page.EvaluateAsync<string>("() => document.activeElement.labels[0].textContent"));
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task No_page_scrolls_sideways_at_phone_width()
    {
        var (hash, height) = await fx.SubmitFirmAsync("seen on a phone");
        await using var browser = await BrowserPage.OpenAsync(fx.Browser, width: 375, height: 812);
        var page = browser.Page;
        var pages = new (string Route, string Ready)[]
        {
            ("", ".chart"),
            ("#/blocks", "#block-list tbody tr a"),
            ($"#/block/{height}", $"a[href='#/namespace/{ExplorerFixture.Namespace}/{height}']"),
            ($"#/namespace/{ExplorerFixture.Namespace}/{height}", Verdict),
            ($"#/tx/{hash}", "text=Position in the block's output"),
            ("#/fairness", "#mev-lab-none"),
        };
        foreach (var (route, ready) in pages)
        {
            await page.GotoAsync(At(route));
            await page.WaitForSelectorAsync(ready);
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"page {route} is {widths[0]} px wide in a {widths[1]} px viewport");
            await Screenshots.SaveAsync(page, "phone-" + (route.Split('/').ElementAtOrDefault(1) is { Length: > 0 } name ? name : "network"), documented: false);
        }

        browser.AssertNoProblems();
    }
}
