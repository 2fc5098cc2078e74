using System.Data.Common;
using System.Reflection;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// The engine's rows of one unit of work — instances, tasks, bookmarks it loaded or added, and the journal lines,
/// notices, mail and timer outbox rows it added — tracked here instead of in EF Core's change tracker, and written by
/// <see cref="SqliteRowWriter"/>. A profile of a task completion had about a third of its processor time in EF:
/// tracking each row read (identity map, snapshot), attaching each new one, scanning them all for changes and reading
/// their values back through entry accessors to write them. Here a row read is one object and a shallow copy, and
/// changes are found by comparing the two column by column when the unit saves.
/// </summary>
/// <remarks>
/// The same rules as EF's tracker: one object per row within the unit (a second read returns the object already held,
/// with the unit's unsaved changes); an update names only the changed columns and checks the concurrency token
/// against the value read; a failed save forgets everything, so the next read comes from the database. Rows of these
/// tables that other code loads through the context (a hand-over changing a task) stay with EF and are written from
/// its tracker.
/// </remarks>
internal sealed class EngineRowSet(WorkflowDbContext db)
{
    private static readonly Func<object, object> ShallowCopy =
        typeof(object).GetMethod(nameof(MemberwiseClone), BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<Func<object, object>>();

    private readonly Dictionary<(Type, Guid), Row> _keyed = [];
    private readonly List<Row> _rows = [];

    private enum State
    {
        Added,
        Loaded,
        Removed,
    }

    public SqliteRowWriter.Table Table(Type type) =>
        SqliteRowWriter.Shape(db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped"))
        ?? throw new InvalidOperationException($"{type.Name} is not a flat row");

    /// <summary>True when the unit already holds the row: <paramref name="entity"/> is it, or null when the unit removed it.</summary>
    public bool TryFind<T>(Guid id, out T? entity)
        where T : class
    {
        if (_keyed.TryGetValue((typeof(T), id), out var row))
        {
            entity = row.State == State.Removed ? null : (T)row.Entity;
            return true;
        }

        entity = null;
        return false;
    }

    /// <summary>Takes a row just read: the object the unit already holds for its key, or this one, now tracked.</summary>
    public T? Attach<T>(T loaded)
        where T : class
    {
        var key = (typeof(T), KeyOf(loaded)!.Value);
        if (_keyed.TryGetValue(key, out var held))
        {
            return held.State == State.Removed ? null : (T)held.Entity;
        }

        var row = new Row(loaded, Table(typeof(T)), State.Loaded) { Original = ShallowCopy(loaded) };
        _keyed[key] = row;
        _rows.Add(row);
        return loaded;
    }

    public void Add(object entity)
    {
        var row = new Row(entity, Table(entity.GetType()), State.Added);
        if (KeyOf(entity) is { } id)
        {
            _keyed[(entity.GetType(), id)] = row;
        }

        _rows.Add(row);
    }

    public void Remove(object entity)
    {
        var key = KeyOf(entity) is { } id ? (entity.GetType(), id) : default;
        var row = key.Item1 is not null && _keyed.TryGetValue(key, out var held) ? held : _rows.Find(r => ReferenceEquals(r.Entity, entity));
        switch (row?.State)
        {
            case State.Added:
                // Never written: nothing to delete.
                _rows.Remove(row);
                if (key.Item1 is not null)
                {
                    _keyed.Remove(key);
                }

                break;
            case State.Loaded:
                row.State = State.Removed;
                break;
            case null:
                var removed = new Row(entity, Table(entity.GetType()), State.Removed) { Original = ShallowCopy(entity) };
                _rows.Add(removed);
                if (key.Item1 is not null)
                {
                    _keyed[key] = removed;
                }

                break;
        }
    }

    public bool HasChanges() => _rows.Exists(r => r.State != State.Loaded || Changed(r).Count > 0);

    /// <summary>The journal lines added in this unit, in the order they were added (the chain's order).</summary>
    public List<JournalEntry> AddedJournal() =>
        [.. _rows.Where(r => r.State == State.Added && r.Entity is JournalEntry).Select(r => (JournalEntry)r.Entity)];

    /// <summary>The timers set (with their due time) and dropped in this unit.</summary>
    public List<TimerChange> TimerChanges() =>
        [.. _rows.Where(r => r.State != State.Loaded && r.Entity is Bookmark { Kind: BookmarkKind.Timer })
            .Select(r => new TimerChange(((Bookmark)r.Entity).Id, r.State == State.Added ? ((Bookmark)r.Entity).DueAt : null))];

    /// <summary>Writes every change inside <paramref name="transaction"/>; afterwards the rows count as read at their new values.</summary>
    public async Task WriteAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var row in _rows.ToList())
        {
            switch (row.State)
            {
                case State.Added:
                    if (await SqliteRowWriter.InsertAsync(transaction, row.Table, row.Entity, cancellationToken) is { } id)
                    {
                        row.Table.GeneratedKey!.Property.PropertyInfo!.SetValue(row.Entity, id);
                    }

                    row.State = State.Loaded;
                    row.Original = ShallowCopy(row.Entity);
                    break;
                case State.Loaded when Changed(row) is { Count: > 0 } changed:
                    var original = row.Original!;
                    await SqliteRowWriter.UpdateAsync(transaction, row.Table, row.Entity, changed, c => c.Get(original), cancellationToken);
                    row.Original = ShallowCopy(row.Entity);
                    break;
                case State.Removed:
                    var before = row.Original!;
                    await SqliteRowWriter.DeleteAsync(transaction, row.Table, c => c.Get(before), cancellationToken);
                    _rows.Remove(row);
                    if (KeyOf(row.Entity) is { } key && _keyed.TryGetValue((row.Entity.GetType(), key), out var held) && held == row)
                    {
                        // Unless the unit added a new row under the same key after removing this one.
                        _keyed.Remove((row.Entity.GetType(), key));
                    }

                    break;
            }
        }
    }

    /// <summary>Forgets every row (after a failed save, whose writes were rolled back).</summary>
    public void Clear()
    {
        _keyed.Clear();
        _rows.Clear();
    }

    private static List<SqliteRowWriter.Column> Changed(Row row)
    {
        if (row.State != State.Loaded)
        {
            return [];
        }

        var original = row.Original!;
        return [.. row.Table.Updatable.Where(c => !Equals(c.Get(row.Entity), c.Get(original)))];
    }

    private static Guid? KeyOf(object entity) => entity switch
    {
        WorkflowInstance i => i.Id,
        WorkflowTask t => t.Id,
        Bookmark b => b.Id,
        _ => null,
    };

    private sealed class Row(object entity, SqliteRowWriter.Table table, State state)
    {
        public object Entity { get; } = entity;

        public SqliteRowWriter.Table Table { get; } = table;

        public State State { get; set; } = state;

        /// <summary>A copy of the row as last read or written: the columns to compare and the concurrency token to check.</summary>
        public object? Original { get; set; }
    }
}
