using System.Data;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Engine;

/// <summary>The host's contexts keep their SQLite connections open (KeptSqliteConnection): how many, and until when.</summary>
public sealed class KeptConnectionsTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync()
    {
        _host.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Scopes_KeepNoMoreConnectionsOpenThanThePoolHolds_WhenABurstOfRequestsRunsAtOnce()
    {
        var burst = KeptSqliteConnection.PoolSize + 8;
        var allInside = new TaskCompletionSource();
        var inside = 0;
        var connections = new System.Collections.Concurrent.ConcurrentBag<SqliteConnection>();

        await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => Task.Run(() => _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            (await db.OrgUnits.AnyAsync()).Should().BeTrue();
            connections.Add((SqliteConnection)db.Database.GetDbConnection());
            if (Interlocked.Increment(ref inside) == burst)
            {
                allInside.SetResult();
            }

            // Every scope holds its context until all have one, as requests arriving together would.
            await allInside.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }))));

        connections.Should().HaveCount(burst).And.OnlyHaveUniqueItems("each scope had a context of its own");
        // The host's background workers share the pool, so one of their contexts may hold a place in it: at most the
        // pool's size stays open, and the burst's contexts take nearly all of it.
        connections.Count(c => c.State == ConnectionState.Open).Should().BeInRange(KeptSqliteConnection.PoolSize - 4, KeptSqliteConnection.PoolSize,
            "the contexts the pool takes back keep theirs; the others are disposed with their connection");
        _host.Services.GetRequiredService<KeptConnections>().OpenCount.Should().BeLessThanOrEqualTo(KeptSqliteConnection.PoolSize);
    }

    [Fact]
    public async Task DisposeAsync_ClosesTheKeptConnections_WhenTheHostStops()
    {
        var kept = await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            await db.OrgUnits.AnyAsync();
            return (SqliteConnection)db.Database.GetDbConnection();
        });
        kept.State.Should().Be(ConnectionState.Open, "it stays open while its context waits in the pool");

        await _host.DisposeAsync();

        kept.State.Should().Be(ConnectionState.Closed, "a stopped host must not hold the database files open");
    }
}
