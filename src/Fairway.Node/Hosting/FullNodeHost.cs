using Fairway.Api;
using Fairway.Node.Config;
using Fairway.Node.Full;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Fairway.Node.Hosting;

/// <summary>The composition root of a full node (<c>role: "full"</c>): stores, the follower, and the read API.</summary>
internal static class FullNodeHost
{
    public static WebApplication Build(NodeConfig config, GenesisDocument genesis, string[]? args)
    {
        Directory.CreateDirectory(config.DataDir);
        var dataLock = NodeHost.LockDataDirectory(config.DataDir);
        try
        {
            ListenCheck.EnsureFree(ListenCheck.ApiEndPoint(config.ApiListen), "api_listen", config.ApiListen);
            var builder = NodeHost.CreateBuilder(config, dataLock, args);
            builder.Services.AddSingleton(config);
            builder.Services.AddSingleton(genesis);
            builder.Services.AddSingleton<FullNode>();
            builder.Services.AddSingleton<IValidatorApi>(sp => sp.GetRequiredService<FullNode>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<FullNode>());
            var app = builder.Build();
            app.Services.GetRequiredService<Hosting.ExclusiveFileLock>();
            var node = app.Services.GetRequiredService<FullNode>();
            // Every POST of the API is a write only validators take (submissions, bids, receipts, attestations).
            app.Use(async (context, next) =>
            {
                if (HttpMethods.IsPost(context.Request.Method))
                {
                    context.Response.Headers.Allow = "GET";
                    await ApiError.Of(
                        StatusCodes.Status405MethodNotAllowed,
                        "not_a_validator",
                        $"this is a full node: it serves reads only; send writes to a validator ({string.Join(", ", node.Sources)})").ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            });
            ApiEndpoints.Map(app, node);
            return app;
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
    }
}
