using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Organization;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Organization;

public sealed class EfOrgDirectoryTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        await using var db = _database.CreateContext();
        db.OrgUnits.AddRange(
            new OrgUnit { Code = "540102", Name = "城关区司法局", Level = 3, ParentCode = null },
            new OrgUnit { Code = "540102-scjg", Name = "城关区市场监督管理局", Level = 3, ParentCode = "540102", Kind = "enforcement" });
        db.Users.AddRange(
            new StaffUser { Id = Guid.NewGuid(), UserName = "fzsh.chengguan", DisplayName = "城关区法制审核员", OrgUnitCode = "540102", Roles = "法制审核员", LegalQualification = true },
            new StaffUser { Id = Guid.NewGuid(), UserName = "fzsh.new", DisplayName = "新任审核员", OrgUnitCode = "540102-scjg", Roles = "承办人,法制审核员" },
            new StaffUser { Id = Guid.NewGuid(), UserName = "fzsh.left", DisplayName = "已离任审核员", OrgUnitCode = "540102", Roles = "法制审核员", LegalQualification = true, IsActive = false });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task GetMembersAsync_SaysWhoHoldsTheLegalQualification_WhenListingAPool()
    {
        await using var db = _database.CreateContext();

        var members = await new EfOrgDirectory(db).GetMembersAsync("法制审核员", "540102", withChildUnits: true, CancellationToken.None);

        members.Should().Equal(new StaffMember("fzsh.chengguan", "540102", LegalQualification: true), new StaffMember("fzsh.new", "540102-scjg", LegalQualification: false));
    }
}
