using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddAdminContent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Available",
                table: "invited_supervisors",
                type: "INTEGER",
                nullable: false,
                // Supervisors already in the pool stay drawable.
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "invited_supervisors",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "在任");

            migrationBuilder.CreateTable(
                name: "admin_content",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    SavedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SavedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_admin_content", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_admin_content_Kind_Key_Version",
                table: "admin_content",
                columns: new[] { "Kind", "Key", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "admin_content");

            migrationBuilder.DropColumn(
                name: "Available",
                table: "invited_supervisors");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "invited_supervisors");
        }
    }
}
