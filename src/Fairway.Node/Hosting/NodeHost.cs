using System.Net;
using Fairway.Api;
using Fairway.Crypto;
using Fairway.Network;
using Fairway.Node.Config;
using Fairway.Node.Keys;
using Fairway.Node.Metrics;
using Fairway.Node.Runtime;
using Fairway.Storage;
using Fairway.Storage.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fairway.Node.Hosting;

/// <summary>The composition root: loads config, genesis and key, wires storage, transport, consensus and the HTTP API, and runs until stopped.</summary>
public static class NodeHost
{
    public static WebApplication Build(string configPath, string[]? args = null)
    {
        var config = ConfigLoader.LoadNodeConfig(configPath);
        var genesis = ConfigLoader.LoadGenesis(config.GenesisFile);
        if (config.IsFullNode)
        {
            return FullNodeHost.Build(config, genesis, args);
        }

        var signer = KeyFile.Read(config.KeyFile);
        var identity = NodeIdentity.Resolve(config, genesis, signer) with { TransportKey = Ordering.Encrypted.DkgKeys.TransportKeyOf(signer) };
        Directory.CreateDirectory(config.DataDir);
        var dataLock = LockDataDirectory(config.DataDir);
        try
        {
            ListenCheck.EnsureFree(ListenEndPoint(config.P2pListen), "p2p_listen", config.P2pListen);
            ListenCheck.EnsureFree(ListenCheck.ApiEndPoint(config.ApiListen), "api_listen", config.ApiListen);
            var peers = ConfigLoader.PeerEndPoints(config, genesis, identity.Index, configPath);
            return Build(config, peers, signer, identity, dataLock, args);
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One process per key: two nodes on one data directory would share its databases and sign with the same key,
    /// so the lock is taken before anything in the directory is opened or any peer is contacted.
    /// </summary>
    internal static ExclusiveFileLock LockDataDirectory(string dataDir)
    {
        var path = Path.Combine(dataDir, "node.lock");
        return ExclusiveFileLock.TryAcquire(path, out var holder)
            ?? throw new StartupException($"another node{(holder is { } pid ? $" (pid {pid})" : "")} holds {dataDir} (lock {path}); stop it first, two processes must never run one validator");
    }

    private static WebApplication Build(NodeConfig config, IReadOnlyDictionary<int, EndPoint> peers, Ed25519Signer signer, NodeIdentity identity, ExclusiveFileLock dataLock, string[]? args)
    {
        var builder = CreateBuilder(config, dataLock, args);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddSingleton<ISafetyStore>(_ => new FileSafetyStore(config.DataDir));
        builder.Services.AddSingleton<IPeerTransport>(sp => new TcpPeerTransport(new TransportOptions
        {
            ChainId = identity.ChainId,
            SelfIndex = identity.Index,
            Signer = signer,
            Verifier = Ed25519Verifier.Instance,
            Validators = identity.Validators,
            Peers = peers,
            ListenEndPoint = ListenEndPoint(config.P2pListen),
            Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Fairway.Network"),
        }));
        builder.Services.AddSingleton<ValidatorNode>();
        builder.Services.AddSingleton<IValidatorApi>(sp => sp.GetRequiredService<ValidatorNode>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ValidatorNode>());

        var app = builder.Build();
        app.Services.GetRequiredService<ExclusiveFileLock>();
        ApiEndpoints.Map(app, app.Services.GetRequiredService<IValidatorApi>());
        return app;
    }

    /// <summary>What validators and full nodes share: logging, Kestrel and its limits, the data lock, the stores and the API's services.</summary>
    internal static WebApplicationBuilder CreateBuilder(NodeConfig config, ExclusiveFileLock dataLock, string[]? args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // ASP.NET's defaults watch appsettings.json for changes with a recursive watcher on the working directory.
            // A node reads no such file, and its own writes (under a data directory that is often below the working
            // directory) then wake that watcher thousands of times a second: about a tenth of a busy machine's CPU
            // in the benchmark. Nothing is read from the working directory and nothing is watched.
            Args = [.. args ?? [], "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls(config.ApiListen);
        var apiLimits = config.ToApiLimits();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The endpoints' own limit, so a body without a declared length (chunked) is cut at the same size as one with it.
            k.Limits.MaxRequestBodySize = apiLimits.RequestBytesMax;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // A factory registration, so the container owns the lock and releases it when the app is disposed.
        builder.Services.AddSingleton(_ => dataLock);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IChainStore>(_ => new SqliteChainStore(Path.Combine(config.DataDir, "chain.db")));
        builder.Services.AddSingleton<IQueryStore>(_ => string.IsNullOrWhiteSpace(config.Query.Postgres)
            ? new SqliteQueryStore(Path.Combine(config.DataDir, "query.db"))
            : new PostgresQueryStore(config.Query.Postgres, config.Query.Schema));
        ApiServices.Add(builder.Services, apiLimits);
        return builder;
    }

    private static IPEndPoint ListenEndPoint(string text)
    {
        ConfigLoader.TryParseEndPoint(text, out var endPoint);
        return endPoint;
    }
}
