using Microsoft.Playwright;

namespace Fairway.Explorer.Tests;

/// <summary>A fresh browser context and page that records every console error or warning and every uncaught exception.</summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (_problems)
                {
                    _problems.Add($"console {message.Type}: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add($"page error: {error}");
            }
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public static async Task<BrowserPage> OpenAsync(IBrowser browser, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return new BrowserPage(context, page);
    }

    public void AssertNoProblems() => Assert.True(Problems.Count == 0, "the page logged:\n" + string.Join('\n', Problems));

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
