using ZangZhiFa.Workflow.Infrastructure.Calendar;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Calendar;

/// <summary>Validation of hand-edited year files: every error must name the file and the entry.</summary>
public sealed class WorkingCalendarLoaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "zzf-calendar-" + Guid.NewGuid().ToString("N"));

    public WorkingCalendarLoaderTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_ReadsEveryShippedFile_WhenFolderIsTheRepositoryCalendar()
    {
        var files = Directory.GetFiles(ShippedCalendar.Folder, "*.json");

        files.Select(Path.GetFileName).Should().BeEquivalentTo("2025.json", "2026.json", "2027.json");
        foreach (var file in files)
        {
            var year = WorkingCalendarLoader.LoadFile(file);
            year.Source.Should().NotBeNullOrWhiteSpace();
            year.Holidays.Should().NotBeEmpty();
        }
    }

    [Fact]
    public void Load_Throws_WhenDateIsInvalid()
    {
        var path = Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "holidays": [
                { "date": "2026-01-01", "name": "元旦" },
                { "from": "2026-02-15", "to": "2026-02-30", "name": "春节" }
              ]
            }
            """);

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(path).And.Contain("holidays[1] (春节)").And.Contain("2026-02-30");
    }

    [Fact]
    public void Load_Throws_WhenDateIsBothHolidayAndWorkday()
    {
        var path = Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "holidays": [ { "from": "2026-02-15", "to": "2026-02-23", "name": "春节" } ],
              "workdays": [ { "date": "2026-02-21", "name": "春节调休上班" } ]
            }
            """);

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(path)
            .And.Contain("workdays[0] (春节调休上班)")
            .And.Contain("holidays[0] (春节)")
            .And.Contain("2026-02-21");
    }

    [Fact]
    public void Load_Throws_WhenDateIsListedTwiceInOneList()
    {
        var path = Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "holidays": [
                { "from": "2026-09-25", "to": "2026-09-27", "name": "中秋节" },
                { "from": "2026-09-27", "to": "2026-10-07", "name": "国庆节" }
              ]
            }
            """);

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(path).And.Contain("holidays[1] (国庆节)").And.Contain("holidays[0] (中秋节)");
    }

    [Fact]
    public void Load_Throws_WhenYearDoesNotMatchFileName()
    {
        var path = Write("2026", """{ "year": 2027, "source": "test", "holidays": [] }""");

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("2027.json");
    }

    [Fact]
    public void Load_Throws_WhenEntryIsOutsideTheFilesYear()
    {
        var path = Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "holidays": [ { "from": "2025-12-31", "to": "2026-01-01", "name": "元旦" } ]
            }
            """);

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("holidays[0] (元旦)");
    }

    [Fact]
    public void Load_Throws_WhenMakeUpWorkdayIsAWeekday()
    {
        var path = Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "workdays": [ { "date": "2026-01-05", "name": "元旦调休上班" } ]
            }
            """);

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain(path).And.Contain("workdays[0] (元旦调休上班)").And.Contain("周一");
    }

    [Fact]
    public void Load_Throws_WhenListNameIsMisspelt()
    {
        var path = Write("2026", """{ "year": 2026, "source": "test", "holiday": [ { "date": "2026-01-01", "name": "元旦" } ] }""");

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("holiday");
    }

    [Fact]
    public void Load_Throws_WhenJsonIsMalformed()
    {
        var path = Write("2026", "{ \"year\": 2026,\n  \"holidays\": [ { \"date\": \"2026-01-01\" \"name\": \"元旦\" } ] }");

        var act = () => WorkingCalendarLoader.Load(_folder);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("line 2");
    }

    [Fact]
    public void Load_GivesSameCalendar_WhenCalledThroughWorkingCalendar()
    {
        var calendar = WorkingCalendar.Load(ShippedCalendar.Folder);

        calendar.CoveredYears.Should().Equal(ShippedCalendar.Instance.CoveredYears);
        calendar.IsWorkingDay(new DateOnly(2026, 2, 24)).Should().BeFalse("Lhasa's Losar break");
    }

    [Fact]
    public void Load_Throws_WhenFolderIsMissing()
    {
        var act = () => WorkingCalendarLoader.Load(Path.Combine(_folder, "missing"));

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public void Load_ReturnsWeekendsOnly_WhenFolderIsEmpty()
    {
        var calendar = WorkingCalendarLoader.Load(_folder);

        calendar.CoveredYears.Should().BeEmpty();
        calendar.IsWorkingDay(new DateOnly(2026, 1, 1)).Should().BeTrue("a Thursday, and there is no data");
    }

    [Fact]
    public void Load_AcceptsNotesAndProvisionalFlag_WhenFileIsValid()
    {
        Write("2027", """
            {
              // comments and trailing commas are tolerated for hand editing
              "year": 2027,
              "provisional": true,
              "source": "test",
              "note": "file note",
              "holidays": [ { "date": "2027-01-01", "name": "元旦", "note": "entry note" }, ],
            }
            """);

        var calendar = WorkingCalendarLoader.Load(_folder);

        calendar.CoveredYears.Should().Equal(2027);
        calendar.ProvisionalYears.Should().Equal(2027);
        calendar.IsWorkingDay(new DateOnly(2027, 1, 1)).Should().BeFalse();
    }

    [Fact]
    public void IsWorkingDay_FollowsRegionalList_WhenItOverridesNationalMakeUpDay()
    {
        Write("2026", """
            {
              "year": 2026,
              "source": "test",
              "workdays": [ { "date": "2026-02-14", "name": "春节调休上班" } ],
              "regionalHolidays": [ { "date": "2026-02-14", "name": "藏历新年" } ],
              "regionalWorkdays": [ { "date": "2026-03-01", "name": "藏历新年调休上班" } ]
            }
            """);

        var calendar = WorkingCalendarLoader.Load(_folder);

        calendar.IsWorkingDay(new DateOnly(2026, 2, 14)).Should().BeFalse("the regional day off wins over the national make-up Saturday");
        calendar.IsWorkingDay(new DateOnly(2026, 3, 1)).Should().BeTrue("a regional make-up Sunday");
    }

    private string Write(string year, string json)
    {
        var path = Path.Combine(_folder, year + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
