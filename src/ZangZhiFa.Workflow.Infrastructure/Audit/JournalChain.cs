using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Audit;

/// <summary>
/// The tamper-evident journal: each line carries the hash of the line before it in the whole journal and in its
/// case, and a hash over its own content and those two. Lines are numbered (<see cref="JournalEntry.Sequence"/>) inside the write
/// transaction, so the chain order is the numbering and concurrent commits cannot interleave a chain.
/// </summary>
public static class JournalChain
{
    /// <summary>Numbers and links the new lines; call inside the unit's write transaction, just before saving.</summary>
    /// <remarks>
    /// Plain commands rather than LINQ: every commit that writes the journal runs these under the write lock, and
    /// EF's query pipeline cost several times the index lookups themselves.
    /// </remarks>
    public static async Task LinkAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<JournalEntry> added, CancellationToken cancellationToken)
    {
        var sequence = 0L;
        var previous = "";
        await using (var last = SqliteStatements.Command(connection, transaction, "SELECT \"Sequence\", \"Hash\" FROM \"journal\" ORDER BY \"Sequence\" DESC LIMIT 1"))
        await using (var reader = await last.Command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                sequence = reader.GetInt64(0);
                previous = reader.IsDBNull(1) ? "" : reader.GetString(1);
            }
        }

        await using var caseLast = SqliteStatements.Command(connection, transaction, "SELECT \"Hash\" FROM \"journal\" WHERE \"CaseKey\" = @key ORDER BY \"Sequence\" DESC LIMIT 1");
        var command = caseLast.Command;
        var key = command.CreateParameter();
        key.ParameterName = "@key";
        command.Parameters.Add(key);
        var caseHeads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in added)
        {
            entry.CaseKey ??= entry.CorrelationId ?? entry.InstanceId.ToString();
            if (!caseHeads.TryGetValue(entry.CaseKey, out var casePrevious))
            {
                key.Value = entry.CaseKey;
                casePrevious = await command.ExecuteScalarAsync(cancellationToken) as string ?? "";
            }

            entry.Sequence = ++sequence;
            entry.PreviousHash = previous;
            entry.CasePreviousHash = casePrevious;
            entry.Hash = Compute(entry);
            previous = entry.Hash;
            caseHeads[entry.CaseKey] = entry.Hash;
        }
    }

    /// <summary>The hash a line must carry, from its content and its two links.</summary>
    public static string Compute(JournalEntry e)
    {
        var text = string.Join('\u001f',
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.InstanceId.ToString(), e.CaseKey, e.CorrelationId, e.ActivityId, e.ActivityType, e.Event,
            e.Outcome, e.Actor, e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), e.Summary, e.PreviousHash, e.CasePreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The result of a verification: intact, or the first line where the chain breaks and why.</summary>
    public sealed record Verdict(bool Intact, long Checked, long? BrokenAt, string? Reason);

    /// <summary>Walks the whole journal in order and reports the first broken link.</summary>
    public static async Task<Verdict> VerifyAsync(WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var previous = "";
        var previousSequence = 0L;
        var caseHeads = new Dictionary<string, string>(StringComparer.Ordinal);
        long checkedCount = 0;
        await foreach (var entry in db.Journal.AsNoTracking().OrderBy(j => j.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            checkedCount++;
            if (entry.Sequence != previousSequence + 1)
            {
                return new Verdict(false, checkedCount, entry.Sequence, $"第 {previousSequence + 1} 条起缺失 (line {previousSequence + 1} is missing)");
            }

            if (entry.PreviousHash != previous)
            {
                return new Verdict(false, checkedCount, entry.Sequence, "与上一条的链接不符 (does not link to the previous line)");
            }

            var caseKey = entry.CaseKey ?? "";
            if (entry.CasePreviousHash != caseHeads.GetValueOrDefault(caseKey, ""))
            {
                return new Verdict(false, checkedCount, entry.Sequence, "与本案上一条的链接不符 (does not link to the previous line of its case)");
            }

            if (entry.Hash != Compute(entry))
            {
                return new Verdict(false, checkedCount, entry.Sequence, "内容与哈希不符，记录被改动 (content does not match its hash)");
            }

            previous = entry.Hash!;
            previousSequence = entry.Sequence;
            caseHeads[caseKey] = entry.Hash!;
        }

        return new Verdict(true, checkedCount, null, null);
    }
}
