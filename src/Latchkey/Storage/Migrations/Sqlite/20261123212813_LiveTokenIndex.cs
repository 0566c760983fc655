using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LiveTokenIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_InstallationId",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_InstallationId_RevokedAt",
                table: "tokens",
                columns: new[] { "InstallationId", "RevokedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_InstallationId_RevokedAt",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_InstallationId",
                table: "tokens",
                column: "InstallationId");
        }
    }
}
