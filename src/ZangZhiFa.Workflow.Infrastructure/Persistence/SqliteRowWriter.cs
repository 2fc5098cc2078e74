using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Writes flat rows (instances, tasks, bookmarks, journal lines, notices, mail, timer outbox, and the complaint a
/// submission registers) with plain commands inside the unit's transaction, and reads the engine's rows back the same
/// way. EF Core's SQLite provider sends every row as its own command through its whole update pipeline (SQL text
/// generated anew, parameters, diagnostics): about 120 µs a row against 25 µs for a plain command, and a step
/// touches ten to twenty rows. SQL and values come from EF's own model and type mappings (column names, value
/// converters), so the rows are exactly what EF would write and read, and the same rules hold: an update or delete
/// checks the concurrency token and fails with <see cref="DbUpdateConcurrencyException"/> when the row changed
/// or vanished; a refused row fails with <see cref="DbUpdateException"/>.
/// </summary>
/// <remarks>
/// Two kinds of caller: the engine's own rows, which <see cref="EngineRowSet"/> tracks without EF (they never enter EF's
/// change tracker), and rows of these tables that other code added to or loaded into the context (a complaint, a task a
/// hand-over changes), taken from EF's tracker: written entries are marked unchanged and stay tracked, so a later
/// change in the same unit is saved as an update.
/// </remarks>
internal static class SqliteRowWriter
{
    private static readonly HashSet<Type> Tables =
    [
        typeof(WorkflowInstance), typeof(WorkflowTask), typeof(Bookmark), typeof(JournalEntry),
        typeof(IssuedNotice), typeof(OutgoingMail), typeof(TimerCommand),
        // Written with the first step of every complaint's flow: through EF alone it took as long as all the rows above.
        typeof(Complaint),
    ];

    private static readonly ConcurrentDictionary<IEntityType, Table?> Shapes = new();
    private static readonly ConcurrentDictionary<string, string> Updates = new(StringComparer.Ordinal);

    /// <summary>True when rows of <paramref name="entityType"/> are written here rather than by EF.</summary>
    public static bool Writes(IEntityType entityType) => Tables.Contains(entityType.ClrType) && Shape(entityType) is not null;

    /// <summary>The statements and accessors of an entity type's table; null when it is not a flat row.</summary>
    public static Table? Shape(IEntityType entityType) => Shapes.GetOrAdd(entityType, Table.Create);

    /// <summary>Writes what EF's tracker holds for these tables (rows not added through <see cref="EngineRowSet"/>).</summary>
    public static async Task WriteTrackedAsync(DbContext db, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var pending = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && Tables.Contains(e.Metadata.ClrType))
            .ToList();
        foreach (var group in pending.GroupBy(e => (e.Metadata, e.State)))
        {
            if (Shape(group.Key.Metadata) is not { } table)
            {
                continue;
            }

            foreach (var entry in group)
            {
                switch (group.Key.State)
                {
                    case EntityState.Added:
                        if (await InsertAsync(transaction, table, entry.Entity, cancellationToken) is { } id)
                        {
                            entry.CurrentValues[table.GeneratedKey!.Property] = id;
                        }

                        entry.State = EntityState.Unchanged;
                        break;
                    case EntityState.Modified:
                        var changed = table.Updatable.Where(c => entry.Property(c.Property.Name).IsModified).ToList();
                        var original = entry.OriginalValues;
                        await UpdateAsync(transaction, table, entry.Entity, changed, c => original[c.Property], cancellationToken);
                        // EF turns a Modified entry Unchanged by putting its original values back: the row would be written and the
                        // object left showing (and next checking its concurrency token against) what it held before.
                        entry.OriginalValues.SetValues(entry.CurrentValues);
                        entry.State = EntityState.Unchanged;
                        break;
                    default:
                        var before = entry.OriginalValues;
                        await DeleteAsync(transaction, table, c => before[c.Property], cancellationToken);
                        entry.State = EntityState.Detached;
                        break;
                }
            }
        }
    }

    /// <summary>Inserts the row; returns the key the database generated, if the table generates one.</summary>
    public static async Task<object?> InsertAsync(DbTransaction transaction, Table table, object entity, CancellationToken cancellationToken)
    {
        await using var lease = SqliteStatements.Command(transaction.Connection!, transaction, table.InsertSql, keepParameters: true);
        var command = lease.Command;
        var parameters = Parameters(command, table.InsertColumns.Length);
        for (var i = 0; i < table.InsertColumns.Length; i++)
        {
            var column = table.InsertColumns[i];
            Bind(command, parameters, i, column, column.Get(entity), column.Parameter);
        }

        object? generated = null;
        await RunAsync(table, async () =>
        {
            if (table.GeneratedKey is { } key)
            {
                generated = Convert.ChangeType(await command.ExecuteScalarAsync(cancellationToken), key.Property.ClrType, CultureInfo.InvariantCulture);
            }
            else
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return 1;
        });
        return generated;
    }

    /// <summary>Writes <paramref name="changed"/> columns, checking the key and concurrency tokens against <paramref name="original"/>.</summary>
    public static async Task UpdateAsync(
        DbTransaction transaction, Table table, object entity, IReadOnlyList<Column> changed, Func<Column, object?> original, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        var shape = table.Name + ":" + string.Join(",", changed.Select(c => c.Property.Name));
        await using var lease = SqliteStatements.Command(transaction.Connection!, transaction, Updates.GetOrAdd(shape, _ =>
            $"UPDATE {table.Quoted} SET {string.Join(", ", changed.Select(c => $"{c.Quoted} = @{c.Property.Name}"))} WHERE {table.KeyAndTokenFilter}"),
            keepParameters: true);
        var command = lease.Command;
        var parameters = Parameters(command, changed.Count + table.KeyAndTokens.Length);
        for (var i = 0; i < changed.Count; i++)
        {
            Bind(command, parameters, i, changed[i], changed[i].Get(entity), "@" + changed[i].Property.Name);
        }

        BindKeyAndTokens(command, parameters, changed.Count, table, original);
        await ExpectOneRowAsync(table, command, cancellationToken);
    }

    public static async Task DeleteAsync(DbTransaction transaction, Table table, Func<Column, object?> original, CancellationToken cancellationToken)
    {
        await using var lease = SqliteStatements.Command(transaction.Connection!, transaction, table.DeleteSql, keepParameters: true);
        var command = lease.Command;
        BindKeyAndTokens(command, Parameters(command, table.KeyAndTokens.Length), 0, table, original);
        await ExpectOneRowAsync(table, command, cancellationToken);
    }

    /// <summary>The rows of <paramref name="table"/> where <paramref name="filter"/> holds (a key, an instance id), as new objects.</summary>
    public static async Task<List<T>> ReadAsync<T>(
        DbConnection connection, DbTransaction? transaction, Table table, string filter, IReadOnlyList<(Column Column, object? Value)> parameters, CancellationToken cancellationToken)
        where T : class
    {
        await using var lease = SqliteStatements.Command(connection, transaction, table.SelectSql + " WHERE " + filter, keepParameters: true);
        var command = lease.Command;
        var bound = Parameters(command, parameters.Count);
        for (var i = 0; i < parameters.Count; i++)
        {
            Bind(command, bound, i, parameters[i].Column, parameters[i].Value, "@" + parameters[i].Column.Property.Name);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((T)table.Materialize(reader));
        }

        return rows;
    }

    private static void BindKeyAndTokens(DbCommand command, DbParameterCollection? parameters, int offset, Table table, Func<Column, object?> original)
    {
        for (var i = 0; i < table.KeyAndTokens.Length; i++)
        {
            var column = table.KeyAndTokens[i];
            Bind(command, parameters, offset + i, column, original(column), "@w_" + column.Property.Name);
        }
    }

    private static async Task ExpectOneRowAsync(Table table, DbCommand command, CancellationToken cancellationToken)
    {
        if (await RunAsync(table, () => command.ExecuteNonQueryAsync(cancellationToken)) != 1)
        {
            throw new DbUpdateConcurrencyException($"{table.Name} 已被他人修改或删除 (the row changed or vanished since it was read)");
        }
    }

    private static async Task<int> RunAsync(Table table, Func<Task<int>> write)
    {
        try
        {
            return await write();
        }
        catch (DbException ex)
        {
            // The same exception EF raises for a refused row, so callers handle one kind of failure.
            throw new DbUpdateException($"{table.Name} 行写入失败 (row refused): {ex.Message}", ex);
        }
    }

    /// <summary>The parameters a kept statement's last use left, when there are exactly as many as needed; else none (cleared).</summary>
    private static DbParameterCollection? Parameters(DbCommand command, int count)
    {
        if (command.Parameters.Count == count)
        {
            return command.Parameters;
        }

        command.Parameters.Clear();
        return null;
    }

    /// <summary>
    /// Sets parameter <paramref name="index"/>: a kept one gets the new value, converted as the type mapping converts it
    /// (its type settings were made when it was created, the same for every value); otherwise the mapping creates it.
    /// </summary>
    private static void Bind(DbCommand command, DbParameterCollection? kept, int index, Column column, object? value, string name)
    {
        if (kept is not null)
        {
            kept[index].Value = (value is null ? null : column.Mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
        }
        else
        {
            command.Parameters.Add(column.Mapping.CreateParameter(command, name, value, column.Property.IsNullable));
        }
    }

    public sealed record Column(IProperty Property, RelationalTypeMapping Mapping, string Quoted, string Parameter, Func<object, object?> Get);

    /// <summary>One table's statements and accessors, built once from EF's model.</summary>
    public sealed record Table(
        string Name, string Quoted, Column[] Columns, Column[] InsertColumns, Column[] KeyAndTokens, Column? GeneratedKey,
        string InsertSql, string DeleteSql, string SelectSql, string KeyAndTokenFilter, Func<DbDataReader, object> Materialize)
    {
        private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;
        private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

        public static Table? Create(IEntityType entityType)
        {
            if (entityType.GetTableName() is not { } name
                || entityType.GetNavigations().Any() || entityType.GetComplexProperties().Any() || entityType.IsOwned()
                || entityType.GetProperties().Any(p => p.PropertyInfo is null)
                || entityType.FindPrimaryKey() is not { } primaryKey)
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(name, entityType.GetSchema());
            var columns = entityType.GetProperties()
                .Select((p, i) => new Column(p, p.GetRelationalTypeMapping(), Quote(p.GetColumnName(store)!), $"@p{i}", Getter(p.PropertyInfo!)))
                .ToArray();
            var generated = primaryKey.Properties is [var single] && single.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && single.ClrType == typeof(long)
                ? columns.Single(c => c.Property == single)
                : null;
            var inserted = columns.Where(c => c != generated).ToArray();
            var keyAndTokens = columns.Where(c => c.Property.IsPrimaryKey() || c.Property.IsConcurrencyToken).ToArray();
            var filter = string.Join(" AND ", keyAndTokens.Select(c => $"{c.Quoted} = @w_{c.Property.Name}"));
            var quoted = Quote(name);
            var insertSql = $"INSERT INTO {quoted} ({string.Join(", ", inserted.Select(c => c.Quoted))}) VALUES ({string.Join(", ", inserted.Select(c => c.Parameter))})"
                + (generated is null ? "" : $" RETURNING {generated.Quoted}");
            return new Table(name, quoted, columns, inserted, keyAndTokens, generated, insertSql, $"DELETE FROM {quoted} WHERE {filter}",
                $"SELECT {string.Join(", ", columns.Select(c => c.Quoted))} FROM {quoted}", filter, Materializer(entityType.ClrType, columns));
        }

        /// <summary>The columns an update may change: all but the key.</summary>
        public Column[] Updatable { get; } = [.. Columns.Where(c => !c.Property.IsPrimaryKey())];

        public Column this[string property] => Columns.Single(c => c.Property.Name == property);

        private static Func<object, object?> Getter(PropertyInfo property)
        {
            var entity = Expression.Parameter(typeof(object), "entity");
            var read = Expression.Property(Expression.Convert(entity, property.DeclaringType!), property);
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), entity).Compile();
        }

        /// <summary>
        /// Reads a row selected in <see cref="Columns"/> order into a new object, each column through its type mapping's
        /// converter as EF reads it (Unix milliseconds to a time, a status name to its enum).
        /// </summary>
        private static Func<DbDataReader, object> Materializer(Type clrType, Column[] columns)
        {
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var bindings = new List<MemberBinding>();
            for (var i = 0; i < columns.Length; i++)
            {
                var property = columns[i].Property;
                var type = property.ClrType;
                var converter = columns[i].Mapping.Converter;
                var provider = converter?.ProviderClrType ?? type;
                Expression value = Expression.Call(reader, GetFieldValue.MakeGenericMethod(Nullable.GetUnderlyingType(provider) ?? provider), Expression.Constant(i));
                if (converter is not null)
                {
                    var fromProvider = converter.ConvertFromProviderExpression;
                    value = Expression.Invoke(fromProvider, Expression.Convert(value, fromProvider.Parameters[0].Type));
                }

                value = Expression.Convert(value, type);
                if (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null)
                {
                    value = Expression.Condition(Expression.Call(reader, IsDbNull, Expression.Constant(i)), Expression.Default(type), value);
                }

                bindings.Add(Expression.Bind(property.PropertyInfo!, value));
            }

            var body = Expression.Convert(Expression.MemberInit(Expression.New(clrType), bindings), typeof(object));
            return Expression.Lambda<Func<DbDataReader, object>>(body, reader).Compile();
        }

        private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
