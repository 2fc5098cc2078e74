using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddInvitedSupervisors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "invited_supervisors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    WorkUnitCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    DeclaredRelations = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    TermStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TermEnd = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Education = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DisqualifyingRecord = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invited_supervisors", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_invited_supervisors_RegionCode",
                table: "invited_supervisors",
                column: "RegionCode");

            migrationBuilder.CreateIndex(
                name: "IX_invited_supervisors_UserName",
                table: "invited_supervisors",
                column: "UserName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invited_supervisors");
        }
    }
}
