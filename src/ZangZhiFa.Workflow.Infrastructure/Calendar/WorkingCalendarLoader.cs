using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZangZhiFa.Workflow.Infrastructure.Calendar;

/// <summary>
/// Reads the working-calendar folder: one <c>{year}.json</c> per year (format in <c>calendar/README.md</c>).
/// Every problem is reported as an <see cref="InvalidDataException"/> whose message names the file and the
/// entry (e.g. <c>holidays[1] (春节)</c>), so an administrator can fix the data without reading code.
/// </summary>
public static class WorkingCalendarLoader
{
    // A range longer than this is far more likely a typo in "to" than a real arrangement (the longest,
    // Lhasa's merged Spring Festival and Losar, is about two weeks).
    private const int MaxRangeDays = 31;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A misspelt list name ("holiday") would otherwise drop a whole list of holidays without a word.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Loads every <c>*.json</c> file in <paramref name="folder"/>. An empty folder gives a calendar that
    /// counts Monday–Friday only.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is invalid; the message names the file and the entry.</exception>
    public static WorkingCalendar Load(string folder)
    {
        // A missing folder is a deployment mistake; silently counting weekends only would hide it.
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"工作日历目录不存在 (working-calendar folder not found): {Path.GetFullPath(folder)}");
        }

        var files = Directory.GetFiles(folder, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        var years = new List<CalendarYear>(files.Length);
        var fileByYear = new Dictionary<int, string>();
        foreach (var file in files)
        {
            var year = LoadFile(file);
            if (!fileByYear.TryAdd(year.Year, file))
            {
                throw new InvalidDataException($"{file}: {year.Year} 年已由 {fileByYear[year.Year]} 给出 (year already given by that file)");
            }

            years.Add(year);
        }

        return new WorkingCalendar(years);
    }

    /// <summary>Reads and validates one year file, which must be named after its year (<c>2026.json</c>).</summary>
    /// <exception cref="InvalidDataException">The file is invalid; the message names the file and the entry.</exception>
    public static CalendarYear LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// Reads and validates one year from its JSON text, as <see cref="LoadFile"/> does; <paramref name="path"/> names
    /// it in messages and must end in <c>{year}.json</c> (the admin calendar page passes e.g. <c>2026.json</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The text is invalid; the message names the entry.</exception>
    public static CalendarYear Parse(string json, string path) => Validate(path, Read(json, path));

    /// <summary>The text as the file model, without validating the dates (the admin page edits it, then <see cref="Parse"/> checks it).</summary>
    /// <exception cref="InvalidDataException">The text is not JSON of the file format.</exception>
    public static CalendarYearFile Read(string json, string path)
    {
        CalendarYearFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CalendarYearFile>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } n ? (n + 1).ToString(CultureInfo.InvariantCulture) : "?";
            throw new InvalidDataException($"{path}: 无法读取 JSON (cannot read the JSON) at line {line}, {ex.Path}: {ex.Message}", ex);
        }

        return file ?? throw new InvalidDataException($"{path}: 文件为空 (file is empty or null)");
    }

    /// <summary>The file model as JSON in the shipped files' shape (camelCase, indented, Chinese as characters).</summary>
    public static string Write(CalendarYearFile file) => JsonSerializer.Serialize(file, WriteOptions) + "\n";

    private static readonly JsonSerializerOptions WriteOptions = new(JsonOptions)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    private static CalendarYear Validate(string path, CalendarYearFile file)
    {
        var year = ReadYear(path, file);
        if (string.IsNullOrWhiteSpace(file.Source))
        {
            throw new InvalidDataException($"{path}: 缺少 source，须注明数据来源 (\"source\" is required: cite the notice the dates come from)");
        }

        var holidays = ReadList(path, year, "holidays", file.Holidays, weekendOnly: false);
        var workdays = ReadList(path, year, "workdays", file.Workdays, weekendOnly: true);
        var regionalHolidays = ReadList(path, year, "regionalHolidays", file.RegionalHolidays, weekendOnly: false);
        var regionalWorkdays = ReadList(path, year, "regionalWorkdays", file.RegionalWorkdays, weekendOnly: true);
        EnsureDisjoint(path, holidays, workdays);
        EnsureDisjoint(path, regionalHolidays, regionalWorkdays);

        return new CalendarYear(
            year,
            holidays.Keys,
            workdays.Keys,
            regionalHolidays.Keys,
            regionalWorkdays.Keys,
            file.Provisional,
            file.Source);
    }

    private static int ReadYear(string path, CalendarYearFile file)
    {
        if (file.Year is not { } year)
        {
            throw new InvalidDataException($"{path}: 缺少 year (\"year\" is required)");
        }

        // Naming the file after its year makes a second file for the same year impossible to miss.
        var stem = Path.GetFileNameWithoutExtension(path);
        if (stem != year.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"{path}: year 为 {year}，与文件名不符，文件应命名为 {year}.json (year {year} does not match the file name)");
        }

        if (year <= DateOnly.MinValue.Year || year >= DateOnly.MaxValue.Year)
        {
            throw new InvalidDataException($"{path}: year {year} 超出范围 (out of range)");
        }

        return year;
    }

    /// <summary>Expands one list to its dates, each mapped to the label of the entry that gave it.</summary>
    private static Dictionary<DateOnly, string> ReadList(string path, int year, string list, List<CalendarFileEntry?>? entries, bool weekendOnly)
    {
        var dates = new Dictionary<DateOnly, string>();
        if (entries is null)
        {
            return dates;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var label = entry?.Name is { Length: > 0 } name ? $"{list}[{i}] ({name})" : $"{list}[{i}]";
            if (entry is null)
            {
                throw Invalid(path, label, "条目为空 (entry is null)");
            }

            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw Invalid(path, label, "缺少 name (\"name\" is required)");
            }

            var (from, to) = ReadDates(path, label, entry);
            if (from.Year != year || to.Year != year)
            {
                throw Invalid(path, label, $"日期不在 {year} 年内，应写入对应年份的文件 (date is not in {year}; put it in that year's file)");
            }

            for (var date = from; date <= to; date = date.AddDays(1))
            {
                // A make-up working day on a weekday changes nothing, so it can only be a mistyped date.
                if (weekendOnly && !CalendarYear.IsWeekend(date))
                {
                    throw Invalid(path, label, $"{CalendarYear.Iso(date)} 是{ChineseWeekday(date)}，调休上班日只能是周六或周日 (make-up workdays are Saturdays or Sundays)");
                }

                if (!dates.TryAdd(date, label))
                {
                    throw Invalid(path, label, $"{CalendarYear.Iso(date)} 与 {dates[date]} 重复 (date listed twice in {list})");
                }
            }
        }

        return dates;
    }

    private static (DateOnly From, DateOnly To) ReadDates(string path, string label, CalendarFileEntry entry)
    {
        if (entry.Date is not null)
        {
            if (entry.From is not null || entry.To is not null)
            {
                throw Invalid(path, label, "date 与 from/to 只能二选一 (give either \"date\" or \"from\"+\"to\")");
            }

            var date = ParseDate(path, label, "date", entry.Date);
            return (date, date);
        }

        if (entry.From is null || entry.To is null)
        {
            throw Invalid(path, label, "须给出 date，或同时给出 from 和 to (give \"date\", or both \"from\" and \"to\")");
        }

        var from = ParseDate(path, label, "from", entry.From);
        var to = ParseDate(path, label, "to", entry.To);
        if (to < from)
        {
            throw Invalid(path, label, $"to {entry.To} 早于 from {entry.From} (\"to\" is before \"from\")");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxRangeDays)
        {
            throw Invalid(path, label, $"{entry.From} 至 {entry.To} 超过 {MaxRangeDays} 天，请检查 (range longer than {MaxRangeDays} days)");
        }

        return (from, to);
    }

    private static DateOnly ParseDate(string path, string label, string field, string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid(path, label, $"{field} \"{text}\" 不是有效日期，格式应为 yyyy-MM-dd (not a valid date)");

    private static void EnsureDisjoint(string path, Dictionary<DateOnly, string> holidays, Dictionary<DateOnly, string> workdays)
    {
        foreach (var (date, workdayLabel) in workdays.OrderBy(p => p.Key))
        {
            if (holidays.TryGetValue(date, out var holidayLabel))
            {
                throw Invalid(path, workdayLabel, $"{CalendarYear.Iso(date)} 同时出现在 {holidayLabel} (date is both a holiday and a workday)");
            }
        }
    }

    private static string ChineseWeekday(DateOnly date) =>
        "周" + "日一二三四五六"[(int)date.DayOfWeek];

    private static InvalidDataException Invalid(string path, string label, string message) =>
        new($"{path}: {label}: {message}");
}

/// <summary>The file as written; validated into a <see cref="CalendarYear"/>.</summary>
public sealed class CalendarYearFile
{
    public int? Year { get; set; }

    public bool Provisional { get; set; }

    public string? Source { get; set; }

    public string? Note { get; set; }

    public List<CalendarFileEntry?>? Holidays { get; set; }

    public List<CalendarFileEntry?>? Workdays { get; set; }

    public List<CalendarFileEntry?>? RegionalHolidays { get; set; }

    public List<CalendarFileEntry?>? RegionalWorkdays { get; set; }
}

/// <summary>One day (<c>date</c>) or an inclusive range (<c>from</c>, <c>to</c>).</summary>
public sealed class CalendarFileEntry
{
    public string? Date { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public string? Name { get; set; }

    public string? Note { get; set; }
}
