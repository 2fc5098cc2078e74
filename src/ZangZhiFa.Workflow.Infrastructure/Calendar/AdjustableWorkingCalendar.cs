using System.Globalization;
using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Infrastructure.Calendar;

/// <summary>
/// The calendar the host hands out: the shipped year files, with any year an admin saved on the calendar page
/// (<c>admin_content</c>, kind <c>calendar</c>) in place of its file. Deadlines computed after a save use the new
/// data at once; deadlines already stored are not moved (a limit, once announced, stands).
/// </summary>
public sealed class AdjustableWorkingCalendar : IWorkingCalendar
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, string> _texts;
    private volatile WorkingCalendar _current;

    /// <summary>Reads every <c>{year}.json</c> of <paramref name="folder"/> (validated as <see cref="WorkingCalendarLoader.Load"/> does).</summary>
    public AdjustableWorkingCalendar(string folder)
    {
        _current = WorkingCalendarLoader.Load(folder);
        _texts = Directory.GetFiles(folder, "*.json").ToDictionary(
            f => int.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture),
            File.ReadAllText);
    }

    /// <summary>The calendar now in use.</summary>
    public WorkingCalendar Current => _current;

    /// <summary>The years with data, ascending.</summary>
    public IReadOnlyList<int> Years
    {
        get
        {
            lock (_gate)
            {
                return [.. _texts.Keys.Order()];
            }
        }
    }

    public TimeSpan UtcOffset => _current.UtcOffset;

    /// <summary>The JSON text of <paramref name="year"/> now in use, or null when the year has no data.</summary>
    public string? Text(int year)
    {
        lock (_gate)
        {
            return _texts.GetValueOrDefault(year);
        }
    }

    /// <summary>Puts <paramref name="json"/> in place of the year's data after validating it; throws as the loader does.</summary>
    /// <exception cref="InvalidDataException">The text is invalid; the message names the entry.</exception>
    public void Replace(int year, string json)
    {
        lock (_gate)
        {
            var name = year.ToString(CultureInfo.InvariantCulture) + ".json";
            var years = _texts.Where(p => p.Key != year).Select(p => WorkingCalendarLoader.Parse(p.Value, p.Key.ToString(CultureInfo.InvariantCulture) + ".json")).ToList();
            years.Add(WorkingCalendarLoader.Parse(json, name));
            _current = new WorkingCalendar(years);
            _texts[year] = json;
        }
    }

    public bool IsWorkingDay(DateOnly date) => _current.IsWorkingDay(date);

    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays) => _current.AddWorkingDays(start, workingDays);
}
